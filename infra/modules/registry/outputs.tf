output "repository_id" {
  description = "Repository ID."
  value       = google_artifact_registry_repository.images.repository_id
}

output "image_base" {
  description = "Prefix of image references: REGION-docker.pkg.dev/PROJECT/REPOSITORY."
  value       = "${var.region}-docker.pkg.dev/${var.project_id}/${google_artifact_registry_repository.images.repository_id}"
}
