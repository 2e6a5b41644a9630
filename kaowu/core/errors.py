"""Errors that services raise and views turn into messages."""


class RuleViolation(Exception):
    """An action refused by a rule of the regulations (RULES.md) or a policy parameter.

    `rule_id` is the register id (R-CQ-1, ...); `message` is the Chinese text shown to the user.
    """

    def __init__(self, rule_id: str, message: str):
        super().__init__(f"[{rule_id}] {message}")
        self.rule_id = rule_id
        self.message = message

    def __str__(self) -> str:
        return f"{self.message}（规则 {self.rule_id}）"


class PermissionRefused(Exception):
    """The user's role or organisation does not allow the action."""

    def __init__(self, message: str = "您没有执行此操作的权限"):
        super().__init__(message)
        self.message = message
