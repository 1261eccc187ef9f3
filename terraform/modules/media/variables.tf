variable "name" {
  description = "Name prefix of the bucket"
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key of the objects"
  type        = string
}

variable "prefix" {
  description = "Key prefix of media objects (ZAPGATE_S3_PREFIX)"
  type        = string
  default     = "zapgate/"
}

variable "retention_days" {
  description = "Days after which media objects expire (ZAPGATE_MEDIA_RETENTION_S / 86400)"
  type        = number
}

variable "access_log_bucket" {
  description = "Bucket receiving the server access logs"
  type        = string
}
