"""The JSON shapes of a staff page's login endpoints."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class StaffLoginIn(BaseModel):
    name: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class StaffMemberOut(BaseModel):
    """The logged-in staff member, as the page shows them."""

    model_config = ConfigDict(from_attributes=True)

    name: str
    display_name: str
    role: str
