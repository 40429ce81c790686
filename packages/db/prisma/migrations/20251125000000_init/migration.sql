-- CreateEnum
CREATE TYPE "role" AS ENUM ('viewer', 'member', 'lead', 'auditor', 'admin');

-- CreateEnum
CREATE TYPE "weights_kind" AS ENUM ('file', 'trial');

-- CreateEnum
CREATE TYPE "sweep_status" AS ENUM ('queued', 'running', 'paused', 'cancelling', 'cancelled', 'completed', 'failed');

-- CreateEnum
CREATE TYPE "metric_goal" AS ENUM ('maximize', 'minimize');

-- CreateEnum
CREATE TYPE "trial_status" AS ENUM ('pending', 'running', 'completed', 'failed', 'cancelled', 'pruned');

-- CreateEnum
CREATE TYPE "attempt_outcome" AS ENUM ('completed', 'failed', 'cancelled', 'timed_out');

-- CreateEnum
CREATE TYPE "epoch_split" AS ENUM ('train', 'val');

-- CreateEnum
CREATE TYPE "final_split" AS ENUM ('val', 'test');

-- CreateEnum
CREATE TYPE "artifact_kind" AS ENUM ('weights', 'checkpoint', 'predictions', 'curves', 'confusion', 'roc', 'gradcam', 'dataset-manifest', 'other');

-- CreateTable
CREATE TABLE "projects" (
    "id" UUID NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "projects_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "display_name" TEXT,
    "password_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "memberships" (
    "user_id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "role" "role" NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "memberships_pkey" PRIMARY KEY ("user_id","project_id")
);

-- CreateTable
CREATE TABLE "api_tokens" (
    "id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "user_id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "role" "role" NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "last_used_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "datasets" (
    "id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "content_hash" TEXT NOT NULL,
    "manifest_uri" TEXT NOT NULL,
    "splits" JSONB NOT NULL,
    "num_classes" INTEGER NOT NULL,
    "task" TEXT NOT NULL,
    "licence" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "datasets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "weights_sources" (
    "id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "weights_kind" NOT NULL,
    "uri" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "source_trial_id" UUID,
    "architecture" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "weights_sources_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sweeps" (
    "id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "spec" JSONB NOT NULL,
    "spec_hash" TEXT NOT NULL,
    "status" "sweep_status" NOT NULL DEFAULT 'queued',
    "primary_metric" TEXT NOT NULL,
    "primary_metric_goal" "metric_goal" NOT NULL,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "workflow_id" TEXT NOT NULL,

    CONSTRAINT "sweeps_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "trials" (
    "id" UUID NOT NULL,
    "sweep_id" UUID NOT NULL,
    "trial_key" TEXT NOT NULL,
    "trial_index" INTEGER NOT NULL,
    "dataset_id" UUID NOT NULL,
    "architecture" TEXT NOT NULL,
    "initialisation" TEXT NOT NULL,
    "weights_source_id" UUID,
    "transfer_mode" TEXT NOT NULL,
    "config" JSONB NOT NULL,
    "config_hash" TEXT NOT NULL,
    "seed" INTEGER NOT NULL,
    "status" "trial_status" NOT NULL DEFAULT 'pending',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "best_epoch" INTEGER,
    "primary_metric_value" DOUBLE PRECISION,
    "error" TEXT,

    CONSTRAINT "trials_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "trial_attempts" (
    "id" UUID NOT NULL,
    "trial_id" UUID NOT NULL,
    "attempt" INTEGER NOT NULL,
    "worker_identity" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "backend" TEXT NOT NULL,
    "backend_version" TEXT NOT NULL,
    "code_version" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ended_at" TIMESTAMPTZ(3),
    "outcome" "attempt_outcome",
    "error" TEXT,

    CONSTRAINT "trial_attempts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "epoch_metrics" (
    "trial_id" UUID NOT NULL,
    "epoch" INTEGER NOT NULL,
    "split" "epoch_split" NOT NULL,
    "name" TEXT NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "epoch_metrics_pkey" PRIMARY KEY ("trial_id","epoch","split","name")
);

-- CreateTable
CREATE TABLE "final_metrics" (
    "trial_id" UUID NOT NULL,
    "split" "final_split" NOT NULL,
    "name" TEXT NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "final_metrics_pkey" PRIMARY KEY ("trial_id","split","name")
);

-- CreateTable
CREATE TABLE "artifacts" (
    "id" UUID NOT NULL,
    "trial_id" UUID,
    "kind" "artifact_kind" NOT NULL,
    "uri" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "size_bytes" BIGINT NOT NULL,
    "content_type" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "artifacts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "lineage" (
    "trial_id" UUID NOT NULL,
    "dataset_manifest_hash" TEXT NOT NULL,
    "spec_hash" TEXT NOT NULL,
    "config_hash" TEXT NOT NULL,
    "code_version" TEXT NOT NULL,
    "code_dirty" BOOLEAN NOT NULL,
    "lock_hash" TEXT NOT NULL,
    "backend" TEXT NOT NULL,
    "backend_versions" JSONB NOT NULL,
    "weights_in_hash" TEXT,
    "weights_out_hash" TEXT NOT NULL,
    "predictions_hash" TEXT NOT NULL,
    "metrics_hash" TEXT NOT NULL,
    "record_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "lineage_pkey" PRIMARY KEY ("trial_id")
);

-- CreateTable
CREATE TABLE "audit_events" (
    "id" BIGSERIAL NOT NULL,
    "seq" BIGINT NOT NULL,
    "project_id" UUID,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "subject_type" TEXT NOT NULL,
    "subject_id" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "prev_hash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "projects_slug_key" ON "projects"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

-- CreateIndex
CREATE INDEX "memberships_project_id_idx" ON "memberships"("project_id");

-- CreateIndex
CREATE UNIQUE INDEX "api_tokens_token_hash_key" ON "api_tokens"("token_hash");

-- CreateIndex
CREATE INDEX "api_tokens_user_id_idx" ON "api_tokens"("user_id");

-- CreateIndex
CREATE INDEX "api_tokens_project_id_idx" ON "api_tokens"("project_id");

-- CreateIndex
CREATE INDEX "datasets_project_id_name_idx" ON "datasets"("project_id", "name");

-- CreateIndex
CREATE UNIQUE INDEX "datasets_project_id_content_hash_key" ON "datasets"("project_id", "content_hash");

-- CreateIndex
CREATE INDEX "weights_sources_source_trial_id_idx" ON "weights_sources"("source_trial_id");

-- CreateIndex
CREATE UNIQUE INDEX "weights_sources_project_id_name_key" ON "weights_sources"("project_id", "name");

-- CreateIndex
CREATE UNIQUE INDEX "sweeps_workflow_id_key" ON "sweeps"("workflow_id");

-- CreateIndex
CREATE INDEX "sweeps_project_id_created_at_idx" ON "sweeps"("project_id", "created_at");

-- CreateIndex
CREATE INDEX "sweeps_created_by_id_idx" ON "sweeps"("created_by_id");

-- CreateIndex
CREATE INDEX "trials_sweep_id_status_primary_metric_value_idx" ON "trials"("sweep_id", "status", "primary_metric_value");

-- CreateIndex
CREATE INDEX "trials_dataset_id_status_primary_metric_value_idx" ON "trials"("dataset_id", "status", "primary_metric_value");

-- CreateIndex
CREATE INDEX "trials_weights_source_id_idx" ON "trials"("weights_source_id");

-- CreateIndex
CREATE UNIQUE INDEX "trials_sweep_id_trial_key_key" ON "trials"("sweep_id", "trial_key");

-- CreateIndex
CREATE UNIQUE INDEX "trials_sweep_id_trial_index_key" ON "trials"("sweep_id", "trial_index");

-- CreateIndex
CREATE UNIQUE INDEX "trial_attempts_trial_id_attempt_key" ON "trial_attempts"("trial_id", "attempt");

-- CreateIndex
CREATE INDEX "final_metrics_name_split_value_idx" ON "final_metrics"("name", "split", "value");

-- CreateIndex
CREATE UNIQUE INDEX "artifacts_uri_key" ON "artifacts"("uri");

-- CreateIndex
CREATE INDEX "artifacts_trial_id_kind_idx" ON "artifacts"("trial_id", "kind");

-- CreateIndex
CREATE UNIQUE INDEX "audit_events_seq_key" ON "audit_events"("seq");

-- CreateIndex
CREATE UNIQUE INDEX "audit_events_hash_key" ON "audit_events"("hash");

-- CreateIndex
CREATE INDEX "audit_events_project_id_seq_idx" ON "audit_events"("project_id", "seq");

-- AddForeignKey
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "datasets" ADD CONSTRAINT "datasets_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "weights_sources" ADD CONSTRAINT "weights_sources_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "weights_sources" ADD CONSTRAINT "weights_sources_source_trial_id_fkey" FOREIGN KEY ("source_trial_id") REFERENCES "trials"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sweeps" ADD CONSTRAINT "sweeps_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sweeps" ADD CONSTRAINT "sweeps_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "trials" ADD CONSTRAINT "trials_sweep_id_fkey" FOREIGN KEY ("sweep_id") REFERENCES "sweeps"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "trials" ADD CONSTRAINT "trials_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "datasets"("id") ON DELETE NO ACTION ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "trials" ADD CONSTRAINT "trials_weights_source_id_fkey" FOREIGN KEY ("weights_source_id") REFERENCES "weights_sources"("id") ON DELETE NO ACTION ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "trial_attempts" ADD CONSTRAINT "trial_attempts_trial_id_fkey" FOREIGN KEY ("trial_id") REFERENCES "trials"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "epoch_metrics" ADD CONSTRAINT "epoch_metrics_trial_id_fkey" FOREIGN KEY ("trial_id") REFERENCES "trials"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "final_metrics" ADD CONSTRAINT "final_metrics_trial_id_fkey" FOREIGN KEY ("trial_id") REFERENCES "trials"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "artifacts" ADD CONSTRAINT "artifacts_trial_id_fkey" FOREIGN KEY ("trial_id") REFERENCES "trials"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lineage" ADD CONSTRAINT "lineage_trial_id_fkey" FOREIGN KEY ("trial_id") REFERENCES "trials"("id") ON DELETE CASCADE ON UPDATE CASCADE;

