"""主体类型: the roles of the national data standard (DOMAIN.md §4) a subject registers for.

Kept in the registry, the lowest app that names them: the basic information's form offers them,
and a trading center (centers.models.SubjectType is this class) grants them once the subject is
synced, so both read one list.
"""

from django.db import models


class SubjectType(models.TextChoices):
    TENDEREE = "tenderee", "招标人"
    BIDDER = "bidder", "投标人"
    AGENCY = "agency", "招标代理机构"
    PURCHASER = "purchaser", "采购人"
    SUPPLIER = "supplier", "政府采购供应商"
    PROCUREMENT_AGENCY = "procurement_agency", "政府采购代理机构"
    LAND_BIDDER = "land_bidder", "土地竞买人"
    PROPERTY_BIDDER = "property_bidder", "产权竞买人"
