import { CustomersModule } from './customers/customers.module';

// The product's feature modules, in dependency order (each depends only on those above it and on the platform).
export const FEATURE_MODULES = [CustomersModule];
