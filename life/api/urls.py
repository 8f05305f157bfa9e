"""Routes of the branch-life endpoints (included under /api/v1/)."""

from rest_framework.routers import SimpleRouter

from life.api import views

router = SimpleRouter()
router.register("activities", views.ActivityViewSet, basename="activity")

urlpatterns = router.urls
