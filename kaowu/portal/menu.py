"""The public menu: the pages anyone reaches without an account, shown at the top of each of them
(templates/public_base.html). An entry is (label, URL name, the URL names that make it the current one).
The complaints pages (投诉举报) add their entry here once they exist."""

PUBLIC_MENU: list[tuple[str, str, tuple[str, ...]]] = [
    ("考核公告", "announcement_list", ("announcement_list", "announcement_detail")),
    ("成绩公示", "scores_public_list", ("scores_public_list", "scores_public_detail", "scores_public_plan")),
    ("成绩查询", "score_query", ("score_query",)),
    ("证书核验", "certificate_verify", ("certificate_verify", "certificate_verify_scanned")),
]
# Shown to a candidate who is logged in, after the public entries.
CANDIDATE_MENU: list[tuple[str, str, tuple[str, ...]]] = [
    ("我的成绩", "my_results", ("my_results", "my_recheck", "my_retake")),
]
