"""Routes of the branch-life endpoints (included under /api/v1/)."""

from rest_framework.routers import SimpleRouter

from life.api import views

router = SimpleRouter()
router.register("activities", views.ActivityViewSet, basename="activity")
router.register("rectifications", views.RectificationViewSet, basename="rectification")
router.register(
    "evaluation-campaigns", views.EvaluationCampaignViewSet, basename="evaluation-campaign"
)
router.register("evaluations", views.EvaluationViewSet, basename="evaluation")
router.register("community-requests", views.CommunityRequestViewSet, basename="community-request")

urlpatterns = router.urls
