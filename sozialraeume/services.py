"""Write-side operations on master data and accounts.

The services about people and roles live in ``sozialraeume.accounts``; they are
re-exported here so that ``from sozialraeume.services import user_invite`` keeps working.
"""

from sozialraeume.accounts import (  # noqa: F401 - re-exported
    INVITABLE_ROLES,
    password_set_link,
    role_grant_confirm,
    role_grant_reject,
    role_grant_request,
    user_invitation_resend,
    user_invite,
    user_password_reset_link_send,
    user_role_grant,
    user_role_revoke,
    user_set_active,
)
