# What each role's tasks are given: plain ZAPGATE_* settings and Secrets Manager secrets. Only settings
# that exist in gateway/core/config.py may appear here, and every setting a production role needs must
# (tests/unit/test_terraform_settings.py compares this file with the settings class).

locals {
  environment = {
    ZAPGATE_ENV                   = "production"
    ZAPGATE_HTTP_HOST             = "0.0.0.0"
    ZAPGATE_HTTP_PORT             = tostring(var.http_port)
    ZAPGATE_PUBLIC_URL            = "https://${var.public_host}"
    ZAPGATE_LOG_LEVEL             = var.log_level
    ZAPGATE_DATA_DIR              = "/data"
    ZAPGATE_MEDIA_STORE           = "s3"
    ZAPGATE_S3_BUCKET             = var.media_bucket
    ZAPGATE_S3_PREFIX             = var.media_prefix
    ZAPGATE_S3_REGION             = var.region
    ZAPGATE_MEDIA_RETENTION_S     = tostring(var.media_retention_days * 86400)
    ZAPGATE_MEDIA_URL_TTL_S       = tostring(var.media_url_ttl_s)
    ZAPGATE_RETENTION_DAYS        = tostring(var.retention_days)
    ZAPGATE_STREAM_REPLICAS       = tostring(var.stream_replicas)
    ZAPGATE_EVENTS_MAX_BYTES      = tostring(var.events_max_bytes)
    ZAPGATE_SEND_GAP_S            = var.send_gap_s
    ZAPGATE_DB_POOL_MAX           = tostring(var.db_pool_max)
    ZAPGATE_WORKER_METRICS_PORT   = tostring(var.worker_metrics_port)
    ZAPGATE_DISPATCH_METRICS_PORT = tostring(var.dispatch_metrics_port)
  }

  secrets = merge(
    var.app_secret_arns,      # ZAPGATE_SECRET_KEY, ZAPGATE_PARTNER_TOKEN, ZAPGATE_CLIENT_TOKEN
    var.database_secret_arns, # ZAPGATE_DATABASE_URL, ZAPGATE_NEONIZE_DATABASE_URL
    var.redis_secret_arns,    # ZAPGATE_REDIS_URL
    var.nats_secret_arns,     # ZAPGATE_NATS_URL
    var.sentry_dsn_secret_arn == null ? {} : { ZAPGATE_SENTRY_DSN = var.sentry_dsn_secret_arn },
  )
}
