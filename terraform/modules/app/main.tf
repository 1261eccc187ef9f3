# The three zapgate roles on one ECS cluster (Fargate), from one image:
#
#   api       behind the load balancer; scales on CPU and on requests per task
#   worker    session hosts; scales on WhatsApp instances per worker
#   dispatch  event consumers; scales on consumer lag per dispatcher (at most 16: one per partition)
#
# Stop timeouts and deployment settings follow docs/reliability.md: a worker that gets SIGTERM stops its
# engines, spills what JetStream has not acknowledged to Postgres and releases its leases so that a peer
# takes over within seconds; ECS never lets the running count drop below the desired count, so there is
# always a peer to take over (the seed's rolling-deployment loss was every worker stopping at once).

data "aws_partition" "current" {}

locals {
  roles = {
    api = {
      command    = ["api"]
      ports      = [var.http_port]
      cpu        = var.api.cpu
      memory     = var.api.memory
      desired    = var.api.desired_count
      min        = var.api.min_count
      max        = var.api.max_count
      stop_s     = 30  # uvicorn's 10 s graceful shutdown, after the target group drained the task
      max_pct    = 200 # stateless: a whole new set may start before the old one stops
      metrics    = var.http_port
      health_url = "http://127.0.0.1:${var.http_port}/health"
    }
    worker = {
      command    = ["worker"]
      ports      = [var.worker_metrics_port]
      cpu        = var.worker.cpu
      memory     = var.worker.memory
      desired    = var.worker.desired_count
      min        = var.worker.min_count
      max        = var.worker.max_count
      stop_s     = 120 # engines stopped, capture drained or spilled, leases released: the Fargate maximum
      max_pct    = 150 # replace about a third at a time; new workers are up before old ones hand over
      metrics    = var.worker_metrics_port
      health_url = "http://127.0.0.1:${var.worker_metrics_port}/metrics"
    }
    dispatch = {
      command    = ["dispatch"]
      ports      = [var.dispatch_metrics_port]
      cpu        = var.dispatch.cpu
      memory     = var.dispatch.memory
      desired    = var.dispatch.desired_count
      min        = var.dispatch.min_count
      max        = var.dispatch.max_count
      stop_s     = 60 # in-flight webhook POSTs (ZAPGATE_WEBHOOK_TIMEOUT_S) finish and are recorded
      max_pct    = 200
      metrics    = var.dispatch_metrics_port
      health_url = "http://127.0.0.1:${var.dispatch_metrics_port}/metrics"
    }
  }
}

resource "aws_cloudwatch_log_group" "exec" {
  name              = "/${var.name}/ecs-exec"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

resource "aws_ecs_cluster" "this" {
  name = var.name

  setting {
    name  = "containerInsights"
    value = "enabled"
  }

  configuration {
    execute_command_configuration {
      kms_key_id = var.kms_key_arn
      logging    = "OVERRIDE"
      log_configuration {
        cloud_watch_encryption_enabled = true
        cloud_watch_log_group_name     = aws_cloudwatch_log_group.exec.name
      }
    }
  }
}

resource "aws_ecs_cluster_capacity_providers" "this" {
  cluster_name       = aws_ecs_cluster.this.name
  capacity_providers = ["FARGATE"]

  default_capacity_provider_strategy {
    capacity_provider = "FARGATE"
    weight            = 1
  }
}

module "role" {
  source   = "../service"
  for_each = local.roles

  name         = var.name
  role         = each.key
  region       = var.region
  cluster_arn  = aws_ecs_cluster.this.arn
  cluster_name = aws_ecs_cluster.this.name
  image        = var.image
  command      = each.value.command
  ports        = each.value.ports
  environment  = local.environment
  secrets      = local.secrets
  # The metrics collector scrapes every container that carries these labels.
  docker_labels = {
    PROMETHEUS_PORT = tostring(each.value.metrics)
    PROMETHEUS_JOB  = "zapgate-${each.key}"
  }
  # /health (api) or /metrics (worker, dispatch): the process answers. The api's check also calls /ready
  # first and ignores its answer: that refreshes zapgate_events_stream_bytes / _full, which only /ready sets.
  health_check_command = each.key == "api" ? [
    "CMD", "python", "-c",
    "import contextlib, urllib.request as u\nwith contextlib.suppress(Exception): u.urlopen('http://127.0.0.1:${var.http_port}/ready', timeout=3)\nu.urlopen('${each.value.health_url}', timeout=3)",
    ] : [
    "CMD", "python", "-c", "import urllib.request as u; u.urlopen('${each.value.health_url}', timeout=3)",
  ]
  cpu                        = each.value.cpu
  memory                     = each.value.memory
  cpu_architecture           = var.cpu_architecture
  stop_timeout_s             = each.value.stop_s
  desired_count              = each.value.desired
  min_count                  = each.value.min
  max_count                  = each.value.max
  deployment_maximum_percent = each.value.max_pct
  target_group_arn           = each.key == "api" ? var.target_group_arn : null
  readonly_root_filesystem   = var.readonly_root_filesystem
  subnet_ids                 = var.subnet_ids
  security_group_id          = var.security_group_ids[each.key]
  execution_role_arn         = aws_iam_role.execution.arn
  task_role_arn              = aws_iam_role.task.arn
  kms_key_arn                = var.kms_key_arn
  log_retention_days         = var.log_retention_days
}
