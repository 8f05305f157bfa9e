"""Routes of the orgs endpoints (included under /api/v1/)."""

from rest_framework.routers import SimpleRouter

from orgs.api import views

router = SimpleRouter()
router.register("regions", views.RegionViewSet, basename="region")
router.register("branches", views.BranchViewSet, basename="branch")
router.register("standards", views.StandardViewSet, basename="standard")
router.register("assessments", views.AssessmentViewSet, basename="assessment")

urlpatterns = router.urls
