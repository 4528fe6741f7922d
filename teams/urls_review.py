"""Release time (Freistellung) and reviews of the distribution."""

urlpatterns = []
