-- Instance-level roles and disabled accounts on users, and the sign-in throttle keyed by (email, address).

-- CreateEnum
CREATE TYPE "instance_role" AS ENUM ('auditor', 'admin');

-- AlterTable
ALTER TABLE "users" ADD COLUMN     "disabled_at" TIMESTAMPTZ(3),
ADD COLUMN     "instance_role" "instance_role";

-- CreateTable
CREATE TABLE "login_throttle" (
    "email" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "failures" INTEGER NOT NULL,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL,
    "last_attempt_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "login_throttle_pkey" PRIMARY KEY ("email","address")
);

-- An existing install's first admin (its oldest user that administers a project: the bootstrapped one)
-- becomes the instance admin, as a fresh install's first admin is.
UPDATE "users" SET "instance_role" = 'admin'
WHERE "id" = (
  SELECT u."id" FROM "users" u JOIN "memberships" m ON m."user_id" = u."id" AND m."role" = 'admin'
  ORDER BY u."created_at", u."id" LIMIT 1
);
