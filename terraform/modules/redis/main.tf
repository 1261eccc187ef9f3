# ElastiCache Redis (cluster mode off: one shard, a primary and 1+ replicas in other zones with automatic
# Multi-AZ failover): leases, fencing counters, live state and rate limits. TLS in transit, AUTH token, encrypted at
# rest. zapgate keeps nothing in Redis it cannot rebuild (fences are raised to the clock after a restart).

resource "aws_elasticache_subnet_group" "this" {
  name        = var.name
  description = "zapgate Redis, private subnets"
  subnet_ids  = var.subnet_ids
}

resource "aws_cloudwatch_log_group" "slow" {
  name              = "/${var.name}/redis/slow-log"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

resource "aws_elasticache_replication_group" "this" {
  replication_group_id = var.name
  description          = "zapgate leases, fences and live state"
  engine               = "redis"
  engine_version       = var.engine_version
  node_type            = var.node_type
  port                 = 6379
  parameter_group_name = "default.redis7"

  num_cache_clusters         = var.replicas + 1
  automatic_failover_enabled = true
  multi_az_enabled           = true

  subnet_group_name  = aws_elasticache_subnet_group.this.name
  security_group_ids = [var.security_group_id]

  at_rest_encryption_enabled = true
  kms_key_id                 = var.kms_key_arn
  transit_encryption_enabled = true
  auth_token                 = var.auth_token

  snapshot_retention_limit   = var.snapshot_retention_days
  snapshot_window            = "02:00-03:00"
  maintenance_window         = "sun:05:30-sun:06:30"
  auto_minor_version_upgrade = true
  apply_immediately          = false

  log_delivery_configuration {
    destination      = aws_cloudwatch_log_group.slow.name
    destination_type = "cloudwatch-logs"
    log_format       = "json"
    log_type         = "slow-log"
  }
}

resource "aws_secretsmanager_secret" "url" {
  #checkov:skip=CKV2_AWS_57:the URL embeds the AUTH token, changed by the runbook's "Rotate secrets" (ElastiCache's ROTATE then SET auth-token strategy around a rolling restart)
  name                    = "${var.name}/redis-url"
  description             = "ZAPGATE_REDIS_URL of ${var.name}"
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = var.recovery_window_days
}

resource "aws_secretsmanager_secret_version" "url" {
  secret_id     = aws_secretsmanager_secret.url.id
  secret_string = "rediss://:${urlencode(var.auth_token)}@${aws_elasticache_replication_group.this.primary_endpoint_address}:6379/0"
}
