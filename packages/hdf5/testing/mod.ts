/**
 * Test helpers of `@vinsar/hdf5`: small MintPy-like files whose values are known in closed
 * form, for the tests of this package and of its users.
 * @module
 */
export * from "./test_stack.ts";
export * from "./test_offset_stack.ts";
export * from "./same_h5.ts";
