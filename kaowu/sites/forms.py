"""Forms only parse input; the services check the rules and save."""

from django import forms

from kaowu.core.forms import bootstrap
from kaowu.sites.models import Equipment, Room, Site

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXTAREA = forms.Textarea(attrs={"rows": 3})


class BootstrapModelForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)

    def validate_unique(self):
        # The services check uniqueness with the fields a form does not carry (institution, site).
        pass


class SiteForm(BootstrapModelForm):
    class Meta:
        model = Site
        fields = ["name", "address", "region_code", "contact_name", "contact_phone", "safety_officer",
                  "safety_officer_phone"]


class SiteEditForm(SiteForm):
    class Meta(SiteForm.Meta):
        fields = [*SiteForm.Meta.fields, "is_active"]


class RoomForm(BootstrapModelForm):
    station_count = forms.IntegerField(label="工位数", min_value=0, max_value=500, required=False,
                                       help_text="实操考场可一并生成编号工位（从1号起）")

    class Meta:
        model = Room
        fields = ["name", "kind", "capacity", "desks", "area_m2", "floor", "is_tiered", "note"]


class EquipmentForm(BootstrapModelForm):
    class Meta:
        model = Equipment
        fields = ["name", "model", "count", "room"]

    def __init__(self, *args, site: Site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = site.rooms.all()
        self.fields["room"].required = False
        self.fields["room"].empty_label = "（整个考点）"
