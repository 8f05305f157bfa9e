"""Routes of the funds endpoints (included under /api/v1/)."""

from rest_framework.routers import SimpleRouter

from funds.api import views

router = SimpleRouter()
router.register("donors", views.DonorViewSet, basename="donor")
router.register("campaigns", views.CampaignViewSet, basename="campaign")
router.register("donations", views.DonationViewSet, basename="donation")
router.register("funds", views.FundViewSet, basename="fund")
router.register("spendings", views.SpendingViewSet, basename="spending")

urlpatterns = router.urls
