"""The form of the 统考报名机构 application; the review form is the filing's (same decision, same workflow)."""

from kaowu.sites.forms import TEXTAREA, BootstrapModelForm
from kaowu.sites.models import UnifiedExamApplication


class UnifiedApplicationForm(BootstrapModelForm):
    class Meta:
        model = UnifiedExamApplication
        fields = ["site", "equipment_summary", "staff_summary", "rules_summary"]
        widgets = {"equipment_summary": TEXTAREA, "staff_summary": TEXTAREA, "rules_summary": TEXTAREA}

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        self.fields["site"].empty_label = None
