variable "name" {
  description = "Deployment name: ECS cluster, task families <name>-<role>, log groups /<name>/<role>"
  type        = string
}

variable "region" {
  description = "AWS region (log groups, ZAPGATE_S3_REGION)"
  type        = string
}

variable "image" {
  description = "zapgate image built from docker/Dockerfile, pushed to a registry the tasks can pull (prefer a digest)"
  type        = string
}

variable "cpu_architecture" {
  description = "X86_64 or ARM64 (the image must be built for it)"
  type        = string
  default     = "X86_64"
}

variable "public_host" {
  description = "Public host name of the api (ZAPGATE_PUBLIC_URL is https://<public_host>)"
  type        = string
}

variable "api" {
  description = "api tasks: size (CPU units, MiB), first desired count and autoscaling bounds"
  type = object({
    cpu           = number
    memory        = number
    desired_count = number
    min_count     = number
    max_count     = number
  })
  default = { cpu = 512, memory = 1024, desired_count = 2, min_count = 2, max_count = 10 }
}

variable "worker" {
  description = "worker tasks: size, first desired count and autoscaling bounds (at least 2, so one can take over)"
  type = object({
    cpu           = number
    memory        = number
    desired_count = number
    min_count     = number
    max_count     = number
  })
  default = { cpu = 2048, memory = 4096, desired_count = 2, min_count = 2, max_count = 20 }

  validation {
    condition     = var.worker.min_count >= 2 && var.worker.desired_count >= var.worker.min_count
    error_message = "worker.min_count must be 2 or more (a rolling deployment replaces workers while a peer holds their instances), and desired_count at least min_count."
  }
}

variable "dispatch" {
  description = "dispatch tasks: size, first desired count and autoscaling bounds (16 partitions: more than 16 idle)"
  type = object({
    cpu           = number
    memory        = number
    desired_count = number
    min_count     = number
    max_count     = number
  })
  default = { cpu = 1024, memory = 2048, desired_count = 2, min_count = 2, max_count = 8 }

  validation {
    condition     = var.dispatch.max_count <= 16 && var.dispatch.min_count >= 1
    error_message = "dispatch.max_count must be 16 or less (one dispatcher per event partition at most) and min_count 1 or more."
  }
}

variable "api_cpu_target_percent" {
  description = "api scales out above this average CPU, in percent"
  type        = number
  default     = 60
}

variable "api_requests_per_task_target" {
  description = "api scales out above this many load balancer requests per task per minute"
  type        = number
  default     = 3000
}

variable "worker_instances_target" {
  description = "worker scales out above this many WhatsApp instances per worker"
  type        = number
  default     = 150
}

variable "worker_disable_scale_in" {
  description = "Never remove workers automatically (each removal reconnects the instances it held)"
  type        = bool
  default     = false
}

variable "dispatch_lag_target" {
  description = "dispatch scales out above this many unacknowledged events per dispatcher"
  type        = number
  default     = 1000
}

variable "metrics_namespace" {
  description = "CloudWatch namespace the metrics collector publishes zapgate's metrics under"
  type        = string
  default     = "ZapGate"
}

variable "http_port" {
  description = "ZAPGATE_HTTP_PORT of the api (also its /metrics)"
  type        = number
  default     = 8080
}

variable "worker_metrics_port" {
  description = "ZAPGATE_WORKER_METRICS_PORT"
  type        = number
  default     = 9101
}

variable "dispatch_metrics_port" {
  description = "ZAPGATE_DISPATCH_METRICS_PORT"
  type        = number
  default     = 9102
}

variable "log_level" {
  description = "ZAPGATE_LOG_LEVEL"
  type        = string
  default     = "INFO"
}

variable "send_gap_s" {
  description = "ZAPGATE_SEND_GAP_S: default gap between queued sends ('1-3' random 1 to 3 s)"
  type        = string
  default     = "1-3"
}

variable "retention_days" {
  description = "ZAPGATE_RETENTION_DAYS: age after which delivered events, webhooks and messages are deleted"
  type        = number
  default     = 30
}

variable "media_retention_days" {
  description = "ZAPGATE_MEDIA_RETENTION_S in days (the media bucket's lifecycle uses the same number)"
  type        = number
  default     = 30
}

variable "media_url_ttl_s" {
  description = "ZAPGATE_MEDIA_URL_TTL_S. A URL signed with task-role credentials stops working when they expire (hours), whatever this says"
  type        = number
  default     = 21600
}

variable "stream_replicas" {
  description = "ZAPGATE_STREAM_REPLICAS: JetStream replicas of zapgate's streams (the NATS cluster size)"
  type        = number
  default     = 3
}

variable "events_max_bytes" {
  description = "ZAPGATE_EVENTS_MAX_BYTES: byte cap of undelivered events in ZG_EVENTS (capture waits when full)"
  type        = number
  default     = 10737418240
}

variable "db_pool_max" {
  description = "ZAPGATE_DB_POOL_MAX per task (keep tasks x pool under the RDS connection limit)"
  type        = number
  default     = 10
}

variable "media_bucket" {
  description = "ZAPGATE_S3_BUCKET"
  type        = string
}

variable "media_bucket_arn" {
  description = "ARN of the media bucket (task role scope)"
  type        = string
}

variable "media_prefix" {
  description = "ZAPGATE_S3_PREFIX"
  type        = string
  default     = "zapgate/"
}

variable "app_secret_arns" {
  description = "Secret ARNs of ZAPGATE_SECRET_KEY, ZAPGATE_PARTNER_TOKEN, ZAPGATE_CLIENT_TOKEN"
  type        = map(string)
}

variable "database_secret_arns" {
  description = "Secret ARNs of ZAPGATE_DATABASE_URL and ZAPGATE_NEONIZE_DATABASE_URL"
  type        = map(string)
}

variable "redis_secret_arns" {
  description = "Secret ARN of ZAPGATE_REDIS_URL"
  type        = map(string)
}

variable "nats_secret_arns" {
  description = "Secret ARN of ZAPGATE_NATS_URL"
  type        = map(string)
}

variable "sentry_dsn_secret_arn" {
  description = "Secret ARN of ZAPGATE_SENTRY_DSN (optional)"
  type        = string
  default     = null
}

variable "target_group_arn" {
  description = "Load balancer target group of the api"
  type        = string
}

variable "alb_arn_suffix" {
  description = "ARN suffix of the load balancer (request-count scaling)"
  type        = string
}

variable "target_group_arn_suffix" {
  description = "ARN suffix of the api target group (request-count scaling)"
  type        = string
}

variable "readonly_root_filesystem" {
  description = "Run the containers with a read-only root file system (/data and /tmp writable)"
  type        = bool
  default     = true
}

variable "subnet_ids" {
  description = "Private subnets of the tasks"
  type        = list(string)
}

variable "security_group_ids" {
  description = "Security group of each role: api, worker, dispatch"
  type        = map(string)
}

variable "kms_key_arn" {
  description = "KMS key: log groups, secrets, media"
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the roles' logs, in days"
  type        = number
  default     = 365
}
