"""Signing in and out, the code after the password, password reset, one's own security."""

from django.contrib.auth import views as auth_views
from django.urls import path

from kapittx.signin import views
from kapittx.signin.password_reset import ResetConfirmView, ResetRequestView

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("login/code/", views.enter_code, name="login_code"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", ResetRequestView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        ResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("account/security/", views.account_security, name="account_security"),
]
