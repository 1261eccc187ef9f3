# RDS Postgres: encrypted, private, TLS required, backups kept, Multi-AZ by default. Stores the two
# connection URLs the roles read: ZAPGATE_DATABASE_URL and neonize's device store
# (ZAPGATE_NEONIZE_DATABASE_URL; the database <db>_wa is created by the worker on first use).

data "aws_partition" "current" {}

resource "aws_db_subnet_group" "this" {
  name_prefix = "${var.name}-"
  description = "zapgate Postgres, private subnets"
  subnet_ids  = var.subnet_ids
}

resource "aws_db_parameter_group" "this" {
  name_prefix = "${var.name}-pg${var.major_version}-"
  family      = "postgres${var.major_version}"
  description = "zapgate: TLS only, slow statements and DDL logged"

  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }

  parameter {
    name  = "log_statement"
    value = "ddl"
  }

  parameter {
    name  = "log_min_duration_statement"
    value = "1000"
  }

  lifecycle {
    create_before_destroy = true
  }
}

data "aws_iam_policy_document" "monitoring_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["monitoring.rds.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "monitoring" {
  name_prefix        = "${var.name}-rds-mon-"
  assume_role_policy = data.aws_iam_policy_document.monitoring_assume.json
}

resource "aws_iam_role_policy_attachment" "monitoring" {
  role       = aws_iam_role.monitoring.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
}

resource "aws_db_instance" "this" {
  identifier     = var.name
  engine         = "postgres"
  engine_version = var.major_version
  instance_class = var.instance_class

  allocated_storage     = var.allocated_storage_gb
  max_allocated_storage = var.max_allocated_storage_gb
  storage_type          = "gp3"
  storage_encrypted     = true
  kms_key_id            = var.kms_key_arn

  db_name  = "zapgate"
  username = "zapgate"
  password = var.password
  port     = 5432

  multi_az               = var.multi_az
  db_subnet_group_name   = aws_db_subnet_group.this.name
  vpc_security_group_ids = [var.security_group_id]
  publicly_accessible    = false
  parameter_group_name   = aws_db_parameter_group.this.name

  backup_retention_period   = var.backup_retention_days
  backup_window             = "03:00-04:00"
  maintenance_window        = "sun:04:30-sun:05:30"
  copy_tags_to_snapshot     = true
  deletion_protection       = var.deletion_protection
  skip_final_snapshot       = false
  final_snapshot_identifier = "${var.name}-final"

  auto_minor_version_upgrade          = true
  iam_database_authentication_enabled = true
  enabled_cloudwatch_logs_exports     = ["postgresql", "upgrade"]

  performance_insights_enabled    = true
  performance_insights_kms_key_id = var.kms_key_arn
  monitoring_interval             = 60
  monitoring_role_arn             = aws_iam_role.monitoring.arn

  depends_on = [aws_iam_role_policy_attachment.monitoring]
}

locals {
  password = urlencode(var.password)
  host     = aws_db_instance.this.address
  # sslmode=require: encrypted; the image carries no RDS CA bundle, so the server certificate is not verified.
  urls = {
    ZAPGATE_DATABASE_URL         = "postgresql://zapgate:${local.password}@${local.host}:5432/zapgate?sslmode=require"
    ZAPGATE_NEONIZE_DATABASE_URL = "postgres://zapgate:${local.password}@${local.host}:5432/zapgate_wa?sslmode=require&idle_session_timeout=120000"
  }
  secret_names = {
    ZAPGATE_DATABASE_URL         = "database-url"
    ZAPGATE_NEONIZE_DATABASE_URL = "neonize-database-url"
  }
}

resource "aws_secretsmanager_secret" "url" {
  #checkov:skip=CKV2_AWS_57:the URL embeds the RDS master password, changed by the runbook's "Rotate secrets" (modify the instance, then this secret, then a rolling restart)
  for_each = local.secret_names

  name                    = "${var.name}/${each.value}"
  description             = "${each.key} of ${var.name}"
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = var.recovery_window_days
}

resource "aws_secretsmanager_secret_version" "url" {
  for_each = local.secret_names

  secret_id     = aws_secretsmanager_secret.url[each.key].id
  secret_string = local.urls[each.key]
}
