from django.urls import path

from . import views

app_name = "cables"
urlpatterns = [
    path("", views.cable_list, name="list"),
    path("<int:pk>/", views.cable_detail, name="detail"),
]
