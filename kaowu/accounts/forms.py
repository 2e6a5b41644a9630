from django import forms

from kaowu.accounts.models import Role


class LoginForm(forms.Form):
    username = forms.CharField(
        label="用户名", max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "class": "form-control"}),
    )
    password = forms.CharField(
        label="密码", strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "class": "form-control"}),
    )


class UserFilterForm(forms.Form):
    text = forms.CharField(label="姓名或用户名", required=False,
                           widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}))
    role = forms.ChoiceField(label="角色", required=False, choices=[("", "全部角色"), *Role.choices],
                             widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
