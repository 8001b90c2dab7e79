from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config.views import favicon, healthz, ready
from outreach.search.views import search
from outreach.views.home import home

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("healthz/ready", ready, name="ready"),
    path("favicon.ico", favicon, name="favicon"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("cables/", include("cables.urls")),
    path("api/", include("outreach.api.urls")),
    path("search/", search, name="search"),
    path("", include("outreach.urls")),
]
