"""Slack ``users.info``: is a member id an account alertbot can message? (issue 14)

``users.info`` answers ``user.deleted`` (deactivated), ``user.is_restricted`` /
``is_ultra_restricted`` (guests), or the error ``user_not_found`` (Slack API docs,
"users.info"). Needs the ``users:read`` scope.
"""

from __future__ import annotations

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from alertbot.core.readiness import Slack


class SlackCheckFailed(Exception):
    """Slack did not say (network, rate limit, missing scope): the account is unchecked."""


class SlackUsers:
    """``SlackAccounts`` (service/readiness.py) through ``users.info``."""

    def __init__(self, client: AsyncWebClient) -> None:
        self._client = client

    async def account(self, member: str) -> Slack:
        """The state of ``member``'s account. Raises ``SlackCheckFailed``."""
        try:
            response = await self._client.users_info(user=member)
        except SlackApiError as exc:
            data = getattr(exc.response, "data", None)
            error = data.get("error") if isinstance(data, dict) else None
            if error in ("user_not_found", "users_not_found"):
                return Slack.NOT_FOUND
            raise SlackCheckFailed(str(error or exc)) from exc
        except Exception as exc:
            raise SlackCheckFailed(type(exc).__name__) from exc
        user = response.get("user") or {}
        if user.get("deleted"):
            return Slack.DELETED
        if user.get("is_restricted") or user.get("is_ultra_restricted"):
            return Slack.RESTRICTED
        return Slack.ACTIVE
