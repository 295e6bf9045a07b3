import { parseAbi } from "viem";

/**
 * The part of the mirror contract the service calls and listens to. Declared here, not read from
 * a build, so the service runs without Hardhat; a test pins it against the compiled ABI.
 */
export const bridgeAbi = parseAbi([
  "function mint(bytes32 opId, address to, uint256 id, uint256 amount)",
  "function burn(bytes32 opId, address from, uint256 id, uint256 amount)",
  "function operationUsed(bytes32 opId) view returns (bool)",
  "function totalSupply(uint256 id) view returns (uint256)",
  "function balanceOf(address account, uint256 id) view returns (uint256)",
  "function isApprovedForAll(address account, address operator) view returns (bool)",
  "event Minted(bytes32 indexed opId, address indexed to, uint256 indexed id, uint256 amount)",
  "event Burned(bytes32 indexed opId, address indexed from, uint256 indexed id, uint256 amount)",
  "event Retired(address indexed holder, uint256 indexed id, uint256 amount, string beneficiary, string purpose)",
]);
