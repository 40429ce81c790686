-- CreateTable
CREATE TABLE "workers" (
    "id" UUID NOT NULL,
    "identity" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "queue" TEXT NOT NULL,
    "backend" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "workers_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "workers_identity_key" ON "workers"("identity");

-- CreateIndex
CREATE INDEX "workers_queue_last_seen_at_idx" ON "workers"("queue", "last_seen_at");

