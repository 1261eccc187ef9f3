variable "name" {
  description = "Deployment name"
  type        = string
}

variable "region" {
  description = "AWS region"
  type        = string
}

variable "cluster_name" {
  description = "ECS cluster whose tasks are scraped"
  type        = string
}

variable "cluster_arn" {
  description = "ARN of that cluster (the collector runs in it)"
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets of the collector task"
  type        = list(string)
}

variable "security_group_id" {
  description = "Security group of the collector"
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key: log groups, the AMP workspace, the alert topic"
  type        = string
}

variable "collector_image" {
  description = "AWS Distro for OpenTelemetry collector image (pin a release, or a digest)"
  type        = string
  default     = "public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0"
}

variable "metrics_namespace" {
  description = "CloudWatch namespace of the metrics the collector publishes (autoscaling reads them)"
  type        = string
  default     = "ZapGate"
}

variable "cloudwatch_metrics" {
  description = "Regular expressions of the metric names published to CloudWatch (each a custom metric, billed)"
  type        = list(string)
  default = [
    "^zapgate_worker_instances_running$",
    "^zapgate_dispatch_consumer_lag$",
    "^zapgate_capture_buffered$",
    "^zapgate_events_stream_bytes$",
    "^zapgate_events_stream_full$",
  ]
}

variable "enable_amp" {
  description = "Create an Amazon Managed Service for Prometheus workspace, load the alert rules and route alerts to SNS"
  type        = bool
  default     = true
}

variable "alert_rules_yaml" {
  description = "Prometheus alerting rules (docs/ops/alerts.yml) loaded into the AMP workspace"
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the collector's and AMP's logs, in days"
  type        = number
  default     = 365
}

variable "metrics_log_retention_days" {
  description = "Retention of the embedded-metric-format log events (the metrics themselves stay in CloudWatch)"
  type        = number
  default     = 365
}
