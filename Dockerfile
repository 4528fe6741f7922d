# Image for web, worker and beat (docker-compose.yml). Everything comes from PyPI and
# Debian's packages; no asset is fetched at run time.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=srb_project.settings.production
RUN apt-get update && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
RUN DJANGO_SECRET_KEY=collectstatic-only DJANGO_ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput
RUN useradd --system --uid 1000 srb && mkdir -p /app/media && chown -R srb /app
USER srb
EXPOSE 8000
CMD ["gunicorn", "srb_project.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2"]
