# Metrics of the running roles, scraped where they are served (api :8080/metrics, worker :9101, dispatch
# :9102) by one AWS Distro for OpenTelemetry collector task, which discovers the tasks through the ECS API
# (containers labelled PROMETHEUS_PORT) and writes
#   - to CloudWatch (embedded metric format) the series autoscaling needs: instances per worker, consumer lag;
#   - to Amazon Managed Service for Prometheus (when enable_amp), every series, evaluated there against
#     docs/ops/alerts.yml and routed to an SNS topic.
# Self-hosted Prometheus instead: see terraform/README.md ("Metrics").

data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}

locals {
  partition   = data.aws_partition.current.partition
  account     = data.aws_caller_identity.current.account_id
  cluster_arn = "arn:${local.partition}:ecs:${var.region}:${local.account}:cluster/${var.cluster_name}"
  remote_write = var.enable_amp ? {
    prometheusremotewrite = {
      endpoint = "${aws_prometheus_workspace.this[0].prometheus_endpoint}api/v1/remote_write"
      auth     = { authenticator = "sigv4auth" }
    }
  } : {}

  collector_config = {
    extensions = {
      sigv4auth = { region = var.region, service = "aps" }
      ecs_observer = {
        cluster_name     = var.cluster_name
        cluster_region   = var.region
        refresh_interval = "30s"
        result_file      = "/etc/ecs_sd_targets.yaml"
        docker_labels    = [{ port_label = "PROMETHEUS_PORT", job_name_label = "PROMETHEUS_JOB" }]
      }
    }
    receivers = {
      prometheus = {
        config = {
          scrape_configs = [{
            job_name        = "zapgate"
            scrape_interval = "60s"
            file_sd_configs = [{ files = ["/etc/ecs_sd_targets.yaml"] }]
            relabel_configs = [
              { source_labels = ["__meta_ecs_cluster_name"], target_label = "ClusterName" },
              { source_labels = ["__meta_ecs_service_name"], target_label = "ServiceName" },
              { source_labels = ["__meta_ecs_task_definition_family"], target_label = "TaskDefinitionFamily" },
              { source_labels = ["__meta_ecs_container_name"], target_label = "container" },
            ]
          }]
        }
      }
    }
    processors = { batch = {} }
    exporters = merge({
      awsemf = {
        namespace                = var.metrics_namespace
        log_group_name           = aws_cloudwatch_log_group.emf.name
        region                   = var.region
        dimension_rollup_option  = "NoDimensionRollup"
        resource_to_telemetry_conversion = { enabled = true }
        metric_declarations = [{
          dimensions            = [["ClusterName", "TaskDefinitionFamily"]]
          metric_name_selectors = var.cloudwatch_metrics
        }]
      }
    }, local.remote_write)
    service = {
      extensions = ["ecs_observer", "sigv4auth"]
      pipelines = {
        metrics = {
          receivers  = ["prometheus"]
          processors = ["batch"]
          exporters  = concat(["awsemf"], var.enable_amp ? ["prometheusremotewrite"] : [])
        }
      }
    }
  }
}

# --- Amazon Managed Service for Prometheus ------------------------------------------------------------------
resource "aws_cloudwatch_log_group" "amp" {
  count = var.enable_amp ? 1 : 0

  name              = "/${var.name}/amp"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

resource "aws_prometheus_workspace" "this" {
  count = var.enable_amp ? 1 : 0

  alias       = var.name
  kms_key_arn = var.kms_key_arn

  logging_configuration {
    log_group_arn = "${aws_cloudwatch_log_group.amp[0].arn}:*"
  }
}

resource "aws_prometheus_rule_group_namespace" "alerts" {
  count = var.enable_amp ? 1 : 0

  name         = "zapgate"
  workspace_id = aws_prometheus_workspace.this[0].id
  data         = var.alert_rules_yaml
}

resource "aws_sns_topic" "alerts" {
  count = var.enable_amp ? 1 : 0

  name              = "${var.name}-alerts"
  kms_master_key_id = var.kms_key_arn
}

data "aws_iam_policy_document" "alerts_topic" {
  count = var.enable_amp ? 1 : 0

  statement {
    sid       = "ManagedPrometheusPublishes"
    actions   = ["sns:Publish", "sns:GetTopicAttributes"]
    resources = [aws_sns_topic.alerts[0].arn]
    principals {
      type        = "Service"
      identifiers = ["aps.amazonaws.com"]
    }
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [aws_prometheus_workspace.this[0].arn]
    }
  }
}

resource "aws_sns_topic_policy" "alerts" {
  count = var.enable_amp ? 1 : 0

  arn    = aws_sns_topic.alerts[0].arn
  policy = data.aws_iam_policy_document.alerts_topic[0].json
}

resource "aws_prometheus_alert_manager_definition" "this" {
  count = var.enable_amp ? 1 : 0

  workspace_id = aws_prometheus_workspace.this[0].id
  definition = yamlencode({
    alertmanager_config = yamlencode({
      route = { receiver = "sns", group_by = ["alertname"], group_wait = "30s", repeat_interval = "4h" }
      receivers = [{
        name = "sns"
        sns_configs = [{
          topic_arn = aws_sns_topic.alerts[0].arn
          sigv4     = { region = var.region }
          subject   = "zapgate alert"
        }]
      }]
    })
  })
}

# --- the collector ------------------------------------------------------------------------------------------
resource "aws_cloudwatch_log_group" "emf" {
  name              = "/${var.name}/metrics"
  retention_in_days = var.metrics_log_retention_days
  kms_key_id        = var.kms_key_arn
}

resource "aws_cloudwatch_log_group" "collector" {
  name              = "/${var.name}/collector"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "execution" {
  name_prefix        = "${var.name}-col-exec-"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

resource "aws_iam_role_policy_attachment" "execution" {
  role       = aws_iam_role.execution.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

resource "aws_iam_role" "collector" {
  name_prefix        = "${var.name}-collector-"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

data "aws_iam_policy_document" "collector" {
  statement {
    sid       = "DiscoverTasksOfTheCluster"
    actions   = ["ecs:ListTasks", "ecs:ListServices"]
    resources = ["*"]
    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = [local.cluster_arn]
    }
  }
  statement {
    sid     = "DescribeTasksOfTheCluster"
    actions = ["ecs:DescribeTasks", "ecs:DescribeServices", "ecs:DescribeContainerInstances"]
    resources = [
      "arn:${local.partition}:ecs:${var.region}:${local.account}:task/${var.cluster_name}/*",
      "arn:${local.partition}:ecs:${var.region}:${local.account}:service/${var.cluster_name}/*",
      "arn:${local.partition}:ecs:${var.region}:${local.account}:container-instance/${var.cluster_name}/*",
    ]
  }
  statement {
    sid       = "ReadTaskDefinitions"
    actions   = ["ecs:DescribeTaskDefinition"]
    resources = ["*"] # DescribeTaskDefinition has no resource-level permissions
  }
  statement {
    sid       = "EmbeddedMetricFormat"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
    resources = ["${aws_cloudwatch_log_group.emf.arn}:*"]
  }
  dynamic "statement" {
    for_each = var.enable_amp ? [1] : []
    content {
      sid       = "RemoteWrite"
      actions   = ["aps:RemoteWrite"]
      resources = [aws_prometheus_workspace.this[0].arn]
    }
  }
}

resource "aws_iam_role_policy" "collector" {
  name   = "collector"
  role   = aws_iam_role.collector.id
  policy = data.aws_iam_policy_document.collector.json
}

resource "aws_ecs_task_definition" "collector" {
  family                   = "${var.name}-collector"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.collector.arn

  container_definitions = jsonencode([{
    name      = "collector"
    image     = var.collector_image
    essential = true
    #checkov:skip=CKV_AWS_336:the collector's ECS discovery writes its target list to a file (ecs_observer result_file) in the image
    readonlyRootFilesystem = false
    environment            = [{ name = "AOT_CONFIG_CONTENT", value = yamlencode(local.collector_config) }]
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.collector.name
        awslogs-region        = var.region
        awslogs-stream-prefix = "collector"
      }
    }
  }])
}

resource "aws_ecs_service" "collector" {
  name             = "collector"
  cluster          = var.cluster_arn
  task_definition  = aws_ecs_task_definition.collector.arn
  desired_count    = 1
  launch_type      = "FARGATE"
  platform_version = "LATEST"
  propagate_tags   = "SERVICE"

  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = [var.security_group_id]
    assign_public_ip = false
  }
}
