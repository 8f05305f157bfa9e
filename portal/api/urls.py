"""API routes, versioned under /api/v1/."""

urlpatterns = []
