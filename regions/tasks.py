from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django_scopes import scopes_disabled

from regions.models import Notice


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notice_email(*, notice_id: int) -> None:
    """One notice by e-mail (the console in the embedded default, SMTP when configured)."""
    with scopes_disabled():
        notice = Notice.objects.select_related("user", "region").get(pk=notice_id)
    link = f"\n\n{settings.KINERJA_PUBLIC_URL.rstrip('/')}{notice.url}" if notice.url else ""
    send_mail(
        subject=f"Kinerja · {notice.region.name}",
        message=notice.text + link,
        from_email=None,
        recipient_list=[notice.user.email],
    )
