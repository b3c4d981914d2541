from pathlib import Path

from django.conf import settings

from kapittx.roles import PERMISSIONS, Perm, Role, role_allows


def _documented_matrix() -> dict[str, set[str]]:
    text = (Path(settings.BASE_DIR) / "docs" / "tenancy.md").read_text()
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    header = [cell.strip() for cell in rows[0].strip("|").split("|")]
    roles = header[1:]
    matrix: dict[str, set[str]] = {role: set() for role in roles}
    for line in rows[1:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        perm = cells[0].replace(" ", "_")
        for role, cell in zip(roles, cells[1:], strict=True):
            if cell == "x":
                matrix[role].add(perm)
    return matrix


def test_documented_matrix_matches_code():
    assert _documented_matrix() == {role: set(perms) for role, perms in PERMISSIONS.items()}


def test_every_role_can_view_and_only_owner_manages_tenant():
    for role in Role.values:
        assert role_allows(role, Perm.VIEW_RECEIVABLES)
        assert role_allows(role, Perm.MANAGE_TENANT) == (role == Role.OWNER)


def test_unknown_role_has_no_permission():
    assert not role_allows("king", Perm.VIEW_RECEIVABLES)
