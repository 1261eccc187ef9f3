variable "name" {
  description = "Deployment name (task family <name>-<role>, log group /<name>/<role>)"
  type        = string
}

variable "role" {
  description = "zapgate role: api, worker or dispatch (also the service and container name)"
  type        = string

  validation {
    condition     = contains(["api", "worker", "dispatch"], var.role)
    error_message = "role must be api, worker or dispatch."
  }
}

variable "region" {
  description = "AWS region of the log group"
  type        = string
}

variable "cluster_arn" {
  description = "ECS cluster ARN"
  type        = string
}

variable "cluster_name" {
  description = "ECS cluster name (autoscaling resource id)"
  type        = string
}

variable "image" {
  description = "zapgate image (docker/Dockerfile), by tag or digest"
  type        = string
}

variable "command" {
  description = "Arguments to the image's `zapgate` entry point"
  type        = list(string)
}

variable "environment" {
  description = "Plain environment variables of the role"
  type        = map(string)
}

variable "secrets" {
  description = "Environment variables read from Secrets Manager: name => secret ARN"
  type        = map(string)
}

variable "ports" {
  description = "Container ports; the first one is the load balancer's target when target_group_arn is set"
  type        = list(number)
}

variable "docker_labels" {
  description = "Docker labels (the metrics collector discovers scrape targets by them)"
  type        = map(string)
  default     = {}
}

variable "health_check_command" {
  description = "Container health check command (CMD form)"
  type        = list(string)
}

variable "cpu" {
  description = "Task CPU units (1024 = 1 vCPU)"
  type        = number
}

variable "memory" {
  description = "Task memory, in MiB"
  type        = number
}

variable "cpu_architecture" {
  description = "X86_64 or ARM64 (the image must be built for it)"
  type        = string
  default     = "X86_64"
}

variable "stop_timeout_s" {
  description = "Seconds between SIGTERM and SIGKILL (Fargate allows up to 120)"
  type        = number

  validation {
    condition     = var.stop_timeout_s >= 2 && var.stop_timeout_s <= 120
    error_message = "stop_timeout_s must be between 2 and 120 on Fargate."
  }
}

variable "desired_count" {
  description = "Tasks at the first apply (autoscaling takes over afterwards)"
  type        = number
}

variable "min_count" {
  description = "Autoscaling floor"
  type        = number
}

variable "max_count" {
  description = "Autoscaling ceiling"
  type        = number
}

variable "deployment_maximum_percent" {
  description = "Upper bound of running tasks during a deployment, in percent of the desired count"
  type        = number
  default     = 200
}

variable "target_group_arn" {
  description = "Load balancer target group of the first port (api only)"
  type        = string
  default     = null
}

variable "migrate_first" {
  description = "Run `zapgate migrate` in an init container before the role starts"
  type        = bool
  default     = true
}

variable "readonly_root_filesystem" {
  description = "Mount the image read-only (writable: /data and /tmp)"
  type        = bool
  default     = true
}

variable "subnet_ids" {
  description = "Private subnets of the tasks"
  type        = list(string)
}

variable "security_group_id" {
  description = "Security group of the role"
  type        = string
}

variable "execution_role_arn" {
  description = "Role ECS uses to pull the image, read the secrets and write logs"
  type        = string
}

variable "task_role_arn" {
  description = "Role the zapgate process runs as (S3 media)"
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key of the log group"
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the role's logs, in days"
  type        = number
  default     = 365
}
