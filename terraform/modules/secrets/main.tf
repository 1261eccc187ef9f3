# The values zapgate's roles read at start: ZAPGATE_SECRET_KEY and the partner and client tokens, generated
# here unless given, plus the passwords of Postgres, Redis and NATS (whose connection URLs are stored by the
# database, redis and nats modules). Values are in the Terraform state: keep the state encrypted.
#
# Rotation is a runbook step (docs/operations.md, "Rotate secrets"), not a Lambda: a new ZAPGATE_SECRET_KEY
# needs `zapgate rehash-tokens`, and the tokens are shared with partners.

resource "random_password" "secret_key" {
  length  = 64
  special = false
}

resource "random_password" "partner_token" {
  length  = 48
  special = false
}

resource "random_password" "client_token" {
  length  = 48
  special = false
}

# Letters and digits only: each goes into a URL and into server configuration files unquoted.
resource "random_password" "database" {
  length  = 40
  special = false
}

resource "random_password" "redis" {
  length  = 64
  special = false
}

resource "random_password" "nats" {
  length  = 40
  special = false
}

locals {
  values = {
    ZAPGATE_SECRET_KEY    = random_password.secret_key.result
    ZAPGATE_PARTNER_TOKEN = coalesce(var.partner_token, random_password.partner_token.result)
    ZAPGATE_CLIENT_TOKEN  = coalesce(var.client_token, random_password.client_token.result)
  }
  secret_names = {
    ZAPGATE_SECRET_KEY    = "secret-key"
    ZAPGATE_PARTNER_TOKEN = "partner-token"
    ZAPGATE_CLIENT_TOKEN  = "client-token"
  }
}

resource "aws_secretsmanager_secret" "app" {
  #checkov:skip=CKV2_AWS_57:rotation is the runbook's "Rotate secrets" procedure (a new secret key needs `zapgate rehash-tokens`, tokens are shared with partners); a rotation Lambda cannot do either
  for_each = local.secret_names

  name                    = "${var.name}/${each.value}"
  description             = "${each.key} of ${var.name}"
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = var.recovery_window_days
}

resource "aws_secretsmanager_secret_version" "app" {
  for_each = local.secret_names

  secret_id     = aws_secretsmanager_secret.app[each.key].id
  secret_string = local.values[each.key]
}

resource "aws_secretsmanager_secret" "nats_password" {
  #checkov:skip=CKV2_AWS_57:the NATS password is rotated by the runbook (new secret, then a rolling restart of the nodes and the tasks); nats-server reads it only at start
  name                    = "${var.name}/nats-password"
  description             = "Password of the zapgate NATS user (read by the NATS nodes at boot)"
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = var.recovery_window_days
}

resource "aws_secretsmanager_secret_version" "nats_password" {
  secret_id     = aws_secretsmanager_secret.nats_password.id
  secret_string = random_password.nats.result
}
