"""Region scope for querysets: the one filter every read and write path goes through."""

from django.db import models


class RegionScopedQuerySet(models.QuerySet):
    """A queryset of records that lie at a region; ``region_path`` names the code column."""

    region_path = "region_code"

    def within(self, code: str):
        """Records at the region ``code`` or anywhere below it (a btree range scan)."""
        return self.filter(**{f"{self.region_path}__startswith": code})

    def visible_to(self, user):
        """Records the user may see: their region's subtree; everything for superusers."""
        if not user or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        if not user.region_id:
            return self.none()
        return self.within(user.region_id)
