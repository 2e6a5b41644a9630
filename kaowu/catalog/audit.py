"""The catalogue's audit vocabulary: what loading the catalogue file and changing a policy profile write."""

from django.db import models


class CatalogAction(models.TextChoices):
    LOAD = "catalog.load", "导入考核目录"
    POLICY_PROFILE_CREATE = "policy_profile.create", "新建政策配置"
    POLICY_PROFILE_UPDATE = "policy_profile.update", "修改政策配置"
    POLICY_PROFILE_ACTIVATE = "policy_profile.activate", "启用政策配置"
