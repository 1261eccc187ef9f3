# zapgate on AWS: the root example. It composes the modules in modules/ into one deployment:
#
#   network ─ kms ─ secrets ─ security_groups
#   database (RDS Postgres)   redis (ElastiCache)   nats (3 EC2 nodes, JetStream R3)   media (S3)   logs (S3)
#   alb (HTTPS + WAF)   app (ECS Fargate: api, worker, dispatch)   monitoring (collector, AMP, alerts)
#
# terraform.tfvars.example lists what you must set. See README.md for what each module makes and why.

locals {
  http_port             = 8080
  worker_metrics_port   = 9101
  dispatch_metrics_port = 9102
  media_prefix          = "zapgate/"
  nats_nodes            = 3
}

module "kms" {
  source = "./modules/kms"

  name = var.name
}

module "network" {
  source = "./modules/network"

  name               = var.name
  region             = var.aws_region
  cidr               = var.vpc_cidr
  az_count           = var.az_count
  single_nat_gateway = var.single_nat_gateway
  kms_key_arn        = module.kms.key_arn
  log_retention_days = var.log_retention_days
}

module "secrets" {
  source = "./modules/secrets"

  name          = var.name
  kms_key_arn   = module.kms.key_arn
  partner_token = var.partner_token
  client_token  = var.client_token
}

module "security_groups" {
  source = "./modules/security_groups"

  name                  = var.name
  vpc_id                = module.network.vpc_id
  allowed_cidrs         = var.allowed_cidrs
  http_port             = local.http_port
  worker_metrics_port   = local.worker_metrics_port
  dispatch_metrics_port = local.dispatch_metrics_port
}

module "database" {
  source = "./modules/database"

  name                  = var.name
  subnet_ids            = module.network.private_subnet_ids
  security_group_id     = module.security_groups.database
  kms_key_arn           = module.kms.key_arn
  password              = module.secrets.database_password
  instance_class        = var.db_instance_class
  allocated_storage_gb  = var.db_allocated_storage_gb
  multi_az              = var.db_multi_az
  backup_retention_days = var.db_backup_retention_days
  deletion_protection   = var.deletion_protection
}

module "redis" {
  source = "./modules/redis"

  name              = var.name
  subnet_ids        = module.network.private_subnet_ids
  security_group_id = module.security_groups.redis
  kms_key_arn       = module.kms.key_arn
  auth_token        = module.secrets.redis_auth_token
  node_type         = var.redis_node_type
  replicas          = var.redis_replicas
}

module "nats" {
  source = "./modules/nats"

  name                = var.name
  vpc_id              = module.network.vpc_id
  subnet_ids          = module.network.private_subnet_ids
  security_group_id   = module.security_groups.nats
  kms_key_arn         = module.kms.key_arn
  password            = module.secrets.nats_password
  password_secret_arn = module.secrets.nats_password_secret_arn
  node_count          = local.nats_nodes
  instance_type       = var.nats_instance_type
  volume_size_gb      = var.nats_volume_size_gb
  nats_version        = var.nats_version
  nats_sha256         = var.nats_sha256
}

module "logs" {
  source = "./modules/logs"

  name = var.name
}

module "media" {
  source = "./modules/media"

  name              = var.name
  kms_key_arn       = module.kms.key_arn
  prefix            = local.media_prefix
  retention_days    = var.media_retention_days
  access_log_bucket = module.logs.bucket
}

module "alb" {
  source = "./modules/alb"

  name                = var.name
  vpc_id              = module.network.vpc_id
  subnet_ids          = module.network.public_subnet_ids
  security_group_id   = module.security_groups.alb
  certificate_arn     = var.certificate_arn
  http_port           = local.http_port
  access_log_bucket   = module.logs.bucket
  kms_key_arn         = module.kms.key_arn
  log_retention_days  = var.log_retention_days
  deletion_protection = var.deletion_protection
}

module "app" {
  source = "./modules/app"

  name                  = var.name
  region                = var.aws_region
  image                 = var.image
  public_host           = var.public_host
  api                   = var.api
  worker                = var.worker
  dispatch              = var.dispatch
  http_port             = local.http_port
  worker_metrics_port   = local.worker_metrics_port
  dispatch_metrics_port = local.dispatch_metrics_port
  retention_days        = var.retention_days
  media_retention_days  = var.media_retention_days
  media_bucket          = module.media.bucket
  media_bucket_arn      = module.media.bucket_arn
  media_prefix          = local.media_prefix
  stream_replicas       = local.nats_nodes
  events_max_bytes      = var.events_max_bytes
  send_gap_s            = var.send_gap_s

  app_secret_arns       = module.secrets.app_secret_arns
  database_secret_arns  = module.database.secret_arns
  redis_secret_arns     = module.redis.secret_arns
  nats_secret_arns      = module.nats.secret_arns
  sentry_dsn_secret_arn = var.sentry_dsn_secret_arn

  target_group_arn        = module.alb.target_group_arn
  alb_arn_suffix          = module.alb.arn_suffix
  target_group_arn_suffix = module.alb.target_group_arn_suffix
  subnet_ids              = module.network.private_subnet_ids
  security_group_ids      = module.security_groups.roles
  kms_key_arn             = module.kms.key_arn
  log_retention_days      = var.log_retention_days
}

module "monitoring" {
  source = "./modules/monitoring"

  name              = var.name
  region            = var.aws_region
  cluster_name      = module.app.cluster_name
  cluster_arn       = module.app.cluster_arn
  subnet_ids        = module.network.private_subnet_ids
  security_group_id = module.security_groups.collector
  kms_key_arn       = module.kms.key_arn
  enable_amp        = var.enable_amp
  alert_rules_yaml  = file("${path.module}/../docs/ops/alerts.yml")
}
