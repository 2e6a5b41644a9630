from ninja import Router, Schema

from kaowu.accounts import selectors

router = Router(tags=["机构与用户"])


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    code: str
    region_code: str
    parent_id: int | None


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    role: str
    organisation_id: int | None


@router.get("/me", response=UserOut, summary="当前令牌所属用户")
def me(request):
    return request.auth


@router.get("/organisations", response=list[OrganisationOut], summary="可见的机构")
def organisation_list(request, kind: str | None = None):
    organisations = selectors.organisations_visible_to(request.auth)
    if kind:
        organisations = organisations.filter(kind=kind)
    return organisations


@router.get("/organisations/{organisation_id}", response=OrganisationOut, summary="机构详情")
def organisation_detail(request, organisation_id: int):
    return selectors.organisation_get_for_user(user=request.auth, organisation_id=organisation_id)


@router.get("/users", response=list[UserOut], summary="可见的用户")
def user_list(request, role: str | None = None):
    return selectors.users_search(user=request.auth, role=role or "")


@router.get("/users/{user_id}", response=UserOut, summary="用户详情")
def user_detail(request, user_id: int):
    return selectors.user_get_for_user(user=request.auth, user_id=user_id)
