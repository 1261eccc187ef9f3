# Autoscaling of each role. The worker and dispatch metrics come from the roles' own Prometheus endpoints,
# published to CloudWatch by the metrics collector (monitoring module) under var.metrics_namespace with the
# dimensions ClusterName and TaskDefinitionFamily.

# --- api: CPU and requests per task -----------------------------------------------------------------------
resource "aws_appautoscaling_policy" "api_cpu" {
  name               = "${var.name}-api-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = "ecs"
  resource_id        = module.role["api"].scaling_resource_id
  scalable_dimension = "ecs:service:DesiredCount"

  target_tracking_scaling_policy_configuration {
    target_value       = var.api_cpu_target_percent
    scale_in_cooldown  = 300
    scale_out_cooldown = 60
    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}

resource "aws_appautoscaling_policy" "api_requests" {
  name               = "${var.name}-api-requests"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = "ecs"
  resource_id        = module.role["api"].scaling_resource_id
  scalable_dimension = "ecs:service:DesiredCount"

  target_tracking_scaling_policy_configuration {
    target_value       = var.api_requests_per_task_target
    scale_in_cooldown  = 300
    scale_out_cooldown = 60
    predefined_metric_specification {
      predefined_metric_type = "ALBRequestCountPerTarget"
      resource_label         = "${var.alb_arn_suffix}/${var.target_group_arn_suffix}"
    }
  }
}

# --- worker: WhatsApp instances per worker ----------------------------------------------------------------
# zapgate_worker_instances_running is each worker's count of engines; its average over the workers is the
# instances per worker. Placement gives new workers their share, so scaling out lowers the average. Scale-in
# is slow on purpose: each instance a stopping worker held reconnects on a peer.
resource "aws_appautoscaling_policy" "worker_instances" {
  name               = "${var.name}-worker-instances"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = "ecs"
  resource_id        = module.role["worker"].scaling_resource_id
  scalable_dimension = "ecs:service:DesiredCount"

  target_tracking_scaling_policy_configuration {
    target_value       = var.worker_instances_target
    scale_in_cooldown  = 900
    scale_out_cooldown = 120
    disable_scale_in   = var.worker_disable_scale_in

    customized_metric_specification {
      metric_name = "zapgate_worker_instances_running"
      namespace   = var.metrics_namespace
      statistic   = "Average"

      dimensions {
        name  = "ClusterName"
        value = aws_ecs_cluster.this.name
      }
      dimensions {
        name  = "TaskDefinitionFamily"
        value = module.role["worker"].task_family
      }
    }
  }
}

# --- dispatch: consumer lag per dispatcher ----------------------------------------------------------------
# zapgate_dispatch_consumer_lag is each dispatcher's unacknowledged events per partition it owns; their sum
# over a minute (one scrape a minute) is the stream's lag, divided by the running dispatchers.
resource "aws_appautoscaling_policy" "dispatch_lag" {
  name               = "${var.name}-dispatch-lag"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = "ecs"
  resource_id        = module.role["dispatch"].scaling_resource_id
  scalable_dimension = "ecs:service:DesiredCount"

  target_tracking_scaling_policy_configuration {
    target_value       = var.dispatch_lag_target
    scale_in_cooldown  = 600
    scale_out_cooldown = 60

    customized_metric_specification {
      metrics {
        id          = "lag"
        label       = "events not yet acknowledged by dispatch"
        return_data = false
        metric_stat {
          stat = "Sum"
          metric {
            metric_name = "zapgate_dispatch_consumer_lag"
            namespace   = var.metrics_namespace
            dimensions {
              name  = "ClusterName"
              value = aws_ecs_cluster.this.name
            }
            dimensions {
              name  = "TaskDefinitionFamily"
              value = module.role["dispatch"].task_family
            }
          }
        }
      }
      metrics {
        id          = "tasks"
        label       = "running dispatchers"
        return_data = false
        metric_stat {
          stat = "Average"
          metric {
            metric_name = "RunningTaskCount"
            namespace   = "ECS/ContainerInsights"
            dimensions {
              name  = "ClusterName"
              value = aws_ecs_cluster.this.name
            }
            dimensions {
              name  = "ServiceName"
              value = module.role["dispatch"].service_name
            }
          }
        }
      }
      metrics {
        id          = "lag_per_task"
        label       = "lag per dispatcher"
        expression  = "IF(tasks > 0, lag / tasks, lag)"
        return_data = true
      }
    }
  }
}
