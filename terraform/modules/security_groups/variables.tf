variable "name" {
  description = "Name prefix of the security groups"
  type        = string
}

variable "vpc_id" {
  description = "VPC of the security groups"
  type        = string
}

variable "allowed_cidrs" {
  description = "IPv4 ranges allowed to reach the load balancer on 443"
  type        = list(string)
  default     = ["0.0.0.0/0"]
}

variable "http_port" {
  description = "Port of the api (ZAPGATE_HTTP_PORT), which also serves its /metrics"
  type        = number
  default     = 8080
}

variable "worker_metrics_port" {
  description = "ZAPGATE_WORKER_METRICS_PORT of the worker tasks"
  type        = number
  default     = 9101
}

variable "dispatch_metrics_port" {
  description = "ZAPGATE_DISPATCH_METRICS_PORT of the dispatch tasks"
  type        = number
  default     = 9102
}
