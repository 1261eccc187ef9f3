# One security group per role and store, each allowing only what that role needs:
#
#   internet ──443──▶ alb ──8080──▶ api
#   api, worker, dispatch ──5432──▶ database, ──6379──▶ redis, ──4222──▶ nats (clients)
#   nats ◀──6222──▶ nats (cluster routes)
#   collector ──8080 / 9101 / 9102──▶ api / worker / dispatch metrics, ──8222──▶ nats monitoring
#   api, worker, dispatch ──any TCP──▶ internet (WhatsApp, partners' webhook and media URLs: any port;
#   the app refuses private destinations itself), through the NAT gateways
#
# The stores have no egress rule: they answer connections (security groups are stateful) and start none.

locals {
  roles = toset(["api", "worker", "dispatch"])
  metrics_ports = {
    api      = var.http_port
    worker   = var.worker_metrics_port
    dispatch = var.dispatch_metrics_port
  }
}

resource "aws_security_group" "alb" {
  #checkov:skip=CKV2_AWS_5:attached to the load balancer (modules/alb, aws_lb.this) through this module's outputs in the root main.tf; checkov's graph does not follow module outputs (tests/unit/test_terraform.py checks every output is passed on)
  name_prefix = "${var.name}-alb-"
  description = "zapgate load balancer: HTTPS in, the api out"
  vpc_id      = var.vpc_id

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_security_group" "role" {
  #checkov:skip=CKV2_AWS_5:attached to the ECS services of the roles (modules/service, aws_ecs_service.this) through this module's outputs in the root main.tf; checkov's graph does not follow module outputs (tests/unit/test_terraform.py checks every output is passed on)
  for_each = local.roles

  name_prefix = "${var.name}-${each.key}-"
  description = "zapgate ${each.key} tasks"
  vpc_id      = var.vpc_id

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_security_group" "database" {
  #checkov:skip=CKV2_AWS_5:attached to the RDS instance (modules/database) through this module's outputs in the root main.tf; checkov's graph does not follow module outputs (tests/unit/test_terraform.py checks every output is passed on)
  name_prefix = "${var.name}-database-"
  description = "zapgate RDS Postgres: 5432 from the roles"
  vpc_id      = var.vpc_id

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_security_group" "redis" {
  #checkov:skip=CKV2_AWS_5:attached to the ElastiCache replication group (modules/redis) through this module's outputs in the root main.tf; checkov's graph does not follow module outputs (tests/unit/test_terraform.py checks every output is passed on)
  name_prefix = "${var.name}-redis-"
  description = "zapgate ElastiCache Redis: 6379 from the roles"
  vpc_id      = var.vpc_id

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_security_group" "nats" {
  #checkov:skip=CKV2_AWS_5:attached to the NATS instances (modules/nats) through this module's outputs in the root main.tf; checkov's graph does not follow module outputs (tests/unit/test_terraform.py checks every output is passed on)
  name_prefix = "${var.name}-nats-"
  description = "zapgate NATS cluster: clients on 4222, routes on 6222, monitoring on 8222"
  vpc_id      = var.vpc_id

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_security_group" "collector" {
  #checkov:skip=CKV2_AWS_5:attached to the collector service (modules/monitoring) through this module's outputs in the root main.tf; checkov's graph does not follow module outputs (tests/unit/test_terraform.py checks every output is passed on)
  name_prefix = "${var.name}-collector-"
  description = "zapgate metrics collector: scrapes the roles and NATS, writes to AWS APIs"
  vpc_id      = var.vpc_id

  lifecycle {
    create_before_destroy = true
  }
}

# --- load balancer -----------------------------------------------------------------------------------------
resource "aws_vpc_security_group_ingress_rule" "alb_https" {
  for_each = toset(var.allowed_cidrs)

  security_group_id = aws_security_group.alb.id
  description       = "HTTPS from partners"
  cidr_ipv4         = each.value
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

resource "aws_vpc_security_group_egress_rule" "alb_to_api" {
  security_group_id            = aws_security_group.alb.id
  description                  = "Forward to the api tasks"
  referenced_security_group_id = aws_security_group.role["api"].id
  ip_protocol                  = "tcp"
  from_port                    = var.http_port
  to_port                      = var.http_port
}

# --- roles -------------------------------------------------------------------------------------------------
resource "aws_vpc_security_group_ingress_rule" "api_from_alb" {
  security_group_id            = aws_security_group.role["api"].id
  description                  = "Requests from the load balancer"
  referenced_security_group_id = aws_security_group.alb.id
  ip_protocol                  = "tcp"
  from_port                    = var.http_port
  to_port                      = var.http_port
}

resource "aws_vpc_security_group_ingress_rule" "metrics_from_collector" {
  for_each = local.roles

  security_group_id            = aws_security_group.role[each.key].id
  description                  = "Prometheus scrape of the ${each.key} metrics port"
  referenced_security_group_id = aws_security_group.collector.id
  ip_protocol                  = "tcp"
  from_port                    = local.metrics_ports[each.key]
  to_port                      = local.metrics_ports[each.key]
}

resource "aws_vpc_security_group_egress_rule" "role_to_database" {
  for_each = local.roles

  security_group_id            = aws_security_group.role[each.key].id
  description                  = "Postgres"
  referenced_security_group_id = aws_security_group.database.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
}

resource "aws_vpc_security_group_egress_rule" "role_to_redis" {
  for_each = local.roles

  security_group_id            = aws_security_group.role[each.key].id
  description                  = "Redis (TLS)"
  referenced_security_group_id = aws_security_group.redis.id
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
}

resource "aws_vpc_security_group_egress_rule" "role_to_nats" {
  for_each = local.roles

  security_group_id            = aws_security_group.role[each.key].id
  description                  = "NATS clients"
  referenced_security_group_id = aws_security_group.nats.id
  ip_protocol                  = "tcp"
  from_port                    = 4222
  to_port                      = 4222
}

resource "aws_vpc_security_group_egress_rule" "role_to_internet" {
  for_each = local.roles

  security_group_id = aws_security_group.role[each.key].id
  description       = "WhatsApp, partners' webhook and media URLs (any port), AWS APIs, through NAT"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 1
  to_port           = 65535
}

# --- stores ------------------------------------------------------------------------------------------------
resource "aws_vpc_security_group_ingress_rule" "database_from_role" {
  for_each = local.roles

  security_group_id            = aws_security_group.database.id
  description                  = "Postgres from ${each.key}"
  referenced_security_group_id = aws_security_group.role[each.key].id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
}

resource "aws_vpc_security_group_ingress_rule" "redis_from_role" {
  for_each = local.roles

  security_group_id            = aws_security_group.redis.id
  description                  = "Redis from ${each.key}"
  referenced_security_group_id = aws_security_group.role[each.key].id
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
}

resource "aws_vpc_security_group_ingress_rule" "nats_from_role" {
  for_each = local.roles

  security_group_id            = aws_security_group.nats.id
  description                  = "NATS clients from ${each.key}"
  referenced_security_group_id = aws_security_group.role[each.key].id
  ip_protocol                  = "tcp"
  from_port                    = 4222
  to_port                      = 4222
}

resource "aws_vpc_security_group_ingress_rule" "nats_routes" {
  security_group_id            = aws_security_group.nats.id
  description                  = "Cluster routes between the NATS nodes"
  referenced_security_group_id = aws_security_group.nats.id
  ip_protocol                  = "tcp"
  from_port                    = 6222
  to_port                      = 6222
}

resource "aws_vpc_security_group_ingress_rule" "nats_monitoring" {
  security_group_id            = aws_security_group.nats.id
  description                  = "NATS monitoring endpoint for the collector"
  referenced_security_group_id = aws_security_group.collector.id
  ip_protocol                  = "tcp"
  from_port                    = 8222
  to_port                      = 8222
}

resource "aws_vpc_security_group_egress_rule" "nats_routes" {
  security_group_id            = aws_security_group.nats.id
  description                  = "Cluster routes between the NATS nodes"
  referenced_security_group_id = aws_security_group.nats.id
  ip_protocol                  = "tcp"
  from_port                    = 6222
  to_port                      = 6222
}

resource "aws_vpc_security_group_egress_rule" "nats_https" {
  security_group_id = aws_security_group.nats.id
  description       = "HTTPS to AWS APIs (Secrets Manager, SSM, CloudWatch) and the nats-server download at boot"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

# --- metrics collector -------------------------------------------------------------------------------------
resource "aws_vpc_security_group_egress_rule" "collector_to_role" {
  for_each = local.roles

  security_group_id            = aws_security_group.collector.id
  description                  = "Scrape ${each.key} metrics"
  referenced_security_group_id = aws_security_group.role[each.key].id
  ip_protocol                  = "tcp"
  from_port                    = local.metrics_ports[each.key]
  to_port                      = local.metrics_ports[each.key]
}

resource "aws_vpc_security_group_egress_rule" "collector_to_nats" {
  security_group_id            = aws_security_group.collector.id
  description                  = "NATS monitoring endpoint"
  referenced_security_group_id = aws_security_group.nats.id
  ip_protocol                  = "tcp"
  from_port                    = 8222
  to_port                      = 8222
}

resource "aws_vpc_security_group_egress_rule" "collector_https" {
  security_group_id = aws_security_group.collector.id
  description       = "HTTPS to AWS APIs (ECS discovery, CloudWatch, Amazon Managed Prometheus)"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}
