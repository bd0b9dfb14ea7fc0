# Production image: gunicorn for web, the same image runs the Celery worker.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=config.settings.production
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libmagic1 fonts-dejavu-core gettext curl \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
COPY config ./config
COPY evaluations ./evaluations
COPY instruments ./instruments
COPY scoring ./scoring
COPY awards ./awards
RUN pip install --no-cache-dir .
COPY . .
RUN SECRET_KEY=build-only-$(python -c 'import secrets;print(secrets.token_hex(32))') \
    python manage.py collectstatic --noinput
RUN useradd --system --uid 1000 kinerja && mkdir -p /app/media /app/private && chown kinerja /app/media /app/private
USER kinerja
EXPOSE 8000
CMD ["gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi"]
