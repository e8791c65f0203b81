"""The portal reads what procurement publishes: its actors and fixtures, as tests/procurement has them."""

from tests.procurement.conftest import (  # noqa: F401  (fixtures, by name)
    agency,
    announced,
    changde,
    changde_reviewer,
    issued,
    key,
    project,
)
