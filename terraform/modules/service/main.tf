# One zapgate role (api, worker or dispatch) as an ECS Fargate service: its task definition (the one image,
# its command, environment and Secrets Manager secrets, a `zapgate migrate` init container), its log group,
# its deployment settings and its autoscaling target. The scaling policies are the caller's (app module).

locals {
  log_options = {
    awslogs-group         = aws_cloudwatch_log_group.this.name
    awslogs-region        = var.region
    awslogs-stream-prefix = var.role
  }
  environment = [for k in sort(keys(var.environment)) : { name = k, value = var.environment[k] }]
  secrets     = [for k in sort(keys(var.secrets)) : { name = k, valueFrom = var.secrets[k] }]
  # /data (ZAPGATE_DATA_DIR) and /tmp are the only writable paths; the image declares both as volumes so
  # the bind mounts start with its ownership (the zapgate user) and contents.
  mount_points = [
    { sourceVolume = "data", containerPath = "/data", readOnly = false },
    { sourceVolume = "tmp", containerPath = "/tmp", readOnly = false },
  ]

  migrate = {
    name                   = "migrate"
    image                  = var.image
    essential              = false
    command                = ["migrate"]
    environment            = local.environment
    secrets                = local.secrets
    readonlyRootFilesystem = var.readonly_root_filesystem
    mountPoints            = local.mount_points
    logConfiguration       = { logDriver = "awslogs", options = merge(local.log_options, { awslogs-stream-prefix = "${var.role}-migrate" }) }
  }

  main = {
    name                   = var.role
    image                  = var.image
    essential              = true
    command                = var.command
    environment            = local.environment
    secrets                = local.secrets
    portMappings           = [for p in var.ports : { containerPort = p, protocol = "tcp" }]
    dockerLabels           = var.docker_labels
    stopTimeout            = var.stop_timeout_s
    readonlyRootFilesystem = var.readonly_root_filesystem
    mountPoints            = local.mount_points
    linuxParameters        = { initProcessEnabled = true }
    healthCheck = {
      command     = var.health_check_command
      interval    = 15
      timeout     = 5
      retries     = 3
      startPeriod = 60
    }
    # Every task applies pending migrations first (serialised by a Postgres advisory lock), so new code
    # never runs on an old schema, whichever role rolls out first.
    dependsOn        = var.migrate_first ? [{ containerName = "migrate", condition = "SUCCESS" }] : []
    logConfiguration = { logDriver = "awslogs", options = local.log_options }
  }
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/${var.name}/${var.role}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

resource "aws_ecs_task_definition" "this" {
  family                   = "${var.name}-${var.role}"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory
  execution_role_arn       = var.execution_role_arn
  task_role_arn            = var.task_role_arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  volume {
    name = "data"
  }

  volume {
    name = "tmp"
  }

  container_definitions = jsonencode(var.migrate_first ? [local.migrate, local.main] : [local.main])
}

resource "aws_ecs_service" "this" {
  name             = var.role
  cluster          = var.cluster_arn
  task_definition  = aws_ecs_task_definition.this.arn
  desired_count    = var.desired_count
  launch_type      = "FARGATE"
  platform_version = "LATEST"
  propagate_tags   = "SERVICE"

  # Never below the desired count during a deployment: new tasks start (and take over) before old ones are
  # sent SIGTERM. maximum_percent bounds how many are replaced at once.
  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = var.deployment_maximum_percent

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = [var.security_group_id]
    assign_public_ip = false
  }

  dynamic "load_balancer" {
    for_each = var.target_group_arn == null ? [] : [var.target_group_arn]
    content {
      target_group_arn = load_balancer.value
      container_name   = var.role
      container_port   = var.ports[0]
    }
  }

  health_check_grace_period_seconds = var.target_group_arn == null ? null : 60

  # Autoscaling owns the running count after the first apply.
  lifecycle {
    ignore_changes = [desired_count]
  }
}

resource "aws_appautoscaling_target" "this" {
  service_namespace  = "ecs"
  resource_id        = "service/${var.cluster_name}/${aws_ecs_service.this.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = var.min_count
  max_capacity       = var.max_count
}
