import { createRequire } from "node:module";
import hardhatViem from "@nomicfoundation/hardhat-viem";
import { defineConfig } from "hardhat/config";

const require = createRequire(import.meta.url);

// Builds must work with no route to binaries.soliditylang.org. Pointing `path` at the solc-js
// build npm already installed makes Hardhat use it as its WASM compiler instead of downloading
// one (HHE905 otherwise); reading the version from the same package keeps the two in step when
// solc is upgraded.
const solc = require("solc/package.json") as { version: string };

export default defineConfig({
  plugins: [hardhatViem],
  solidity: {
    version: solc.version,
    path: require.resolve("solc/soljson.js"),
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: "cancun",
    },
  },
  networks: {
    localhost: {
      type: "http",
      url: "http://127.0.0.1:8545",
    },
  },
});
