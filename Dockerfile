# syntax=docker/dockerfile:1
# perfapp production image: gunicorn on :8000, production settings, static files collected
# at build time and served by whitenoise. Configuration (SECRET_KEY, DATABASE_URL,
# REDIS_URL, EMAIL_URL, ALLOWED_HOSTS, ...) comes from the environment at run time; see
# docker-compose.yml for a complete example.
FROM python:3.13-slim

# PYTHONPATH=/app: the app runs from its source tree in /app (templates, static and
# settings.BASE_DIR live there), which takes precedence over the copy `pip install .`
# puts in site-packages.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=perfapp.settings.production

RUN groupadd --system --gid 10001 perfapp \
    && useradd --system --uid 10001 --gid perfapp --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin perfapp

WORKDIR /app

# Runtime dependencies in their own layer: rebuilt only when pyproject.toml changes.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# The project itself (no dev extras). Code stays owned by root; only .run/ (collected
# static files and other runtime files) belongs to the app user.
COPY . .
RUN pip install --no-deps . \
    && rm -rf build ./*.egg-info \
    && python -m compileall -q /app \
    && mkdir -p /app/.run \
    && chown perfapp:perfapp /app/.run

USER perfapp

# Static files into STATIC_ROOT (/app/.run/staticfiles). The production settings insist
# on these variables; the values below exist only for this build step and are not
# stored in the image.
RUN SECRET_KEY=build-only-collectstatic-not-a-secret \
    ALLOWED_HOSTS=localhost \
    DATABASE_URL=sqlite:////tmp/collectstatic.sqlite3 \
    REDIS_URL=redis://localhost:6379/0 \
    EMAIL_URL=consolemail:// \
    python manage.py collectstatic --noinput

EXPOSE 8000

CMD ["gunicorn", "perfapp.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
