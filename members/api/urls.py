"""Routes of the members endpoints (included under /api/v1/)."""

from rest_framework.routers import SimpleRouter

from members.api import views

router = SimpleRouter()
router.register("members", views.MemberViewSet, basename="member")
router.register("positions", views.PositionViewSet, basename="position")
router.register("volunteer-teams", views.VolunteerTeamViewSet, basename="volunteerteam")
router.register("volunteers", views.VolunteerViewSet, basename="volunteer")
router.register("service-records", views.ServiceRecordViewSet, basename="servicerecord")

urlpatterns = router.urls
