// Every PostgreSQL advisory lock the service takes, in one place so that two features can never pick the same number.
export const ADVISORY_LOCKS = {
  migrations: 727_160_001, // replicas booting together run migrations one at a time
  bootstrap: 727_160_002, // one default organization on an empty database
  jobQueues: 727_160_003, // pg-boss queue creation deadlocks when two replicas create the same queue at once
  simulator: 727_160_010, // one demo estate on a fresh install
} as const;
