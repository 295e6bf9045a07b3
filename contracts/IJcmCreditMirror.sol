// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC1155} from "@openzeppelin/contracts/token/ERC1155/IERC1155.sol";

/// @title JCM credit mirror
/// @notice ERC-1155 mirror of Joint Crediting Mechanism (JCM) credits held in the jcm-bridge
/// ledger. The ledger is the source of truth; this contract only reflects what it has recorded.
/// @dev Token id = the issuance's numeric id in the ledger, so every issuance is one fungible
/// class. 1 token = 1 tCO2e, with no decimals: a tonne is never split on-chain.
/// Every mint and burn carries the `opId` of the ledger operation it mirrors, so that a relayer
/// retrying after a crash or timeout cannot apply the same operation twice.
interface IJcmCreditMirror is IERC1155 {
    /// @notice Tokens were created to mirror ledger operation `opId`.
    /// @param opId Identifier of the ledger operation being mirrored; usable once per contract.
    /// @param to Account credited with the tokens.
    /// @param id Issuance numeric id (the token id).
    /// @param amount Number of tokens, in tCO2e.
    event Minted(bytes32 indexed opId, address indexed to, uint256 indexed id, uint256 amount);

    /// @notice Tokens were destroyed to mirror ledger operation `opId`, e.g. credits bridged back
    /// off-chain or cancelled in the ledger.
    /// @param opId Identifier of the ledger operation being mirrored; usable once per contract.
    /// @param from Account whose tokens were destroyed.
    /// @param id Issuance numeric id (the token id).
    /// @param amount Number of tokens, in tCO2e.
    event Burned(bytes32 indexed opId, address indexed from, uint256 indexed id, uint256 amount);

    /// @notice A holder permanently retired credits to claim their climate benefit. Retired
    /// tokens are destroyed and cannot be transferred or retired again.
    /// @param holder Account that retired, and whose tokens were destroyed.
    /// @param id Issuance numeric id (the token id).
    /// @param amount Number of tokens retired, in tCO2e.
    /// @param beneficiary Party on whose behalf the retirement is claimed, as free text.
    /// @param purpose Reason for the retirement (e.g. the reporting period or target it counts
    /// toward), as free text.
    event Retired(address indexed holder, uint256 indexed id, uint256 amount, string beneficiary, string purpose);

    /// @notice A Merkle root of a contiguous range of ledger entries was published, letting anyone
    /// check that the off-chain ledger has not been rewritten since.
    /// @param root Merkle root over ledger entries `fromSeq` through `toSeq`.
    /// @param fromSeq First ledger sequence number covered, inclusive.
    /// @param toSeq Last ledger sequence number covered, inclusive.
    event Anchored(bytes32 indexed root, uint64 fromSeq, uint64 toSeq);

    /// @notice The ledger operation `opId` has already been mirrored by this contract.
    /// @param opId The operation identifier that was presented a second time.
    error MirrorOperationReplayed(bytes32 opId);

    /// @notice A mint, burn or retirement of zero tokens was requested. No ledger operation moves
    /// zero tonnes, so such a request points at a bug in the caller.
    /// @param id Issuance numeric id (the token id) whose amount was zero.
    error MirrorZeroAmount(uint256 id);

    /// @notice A batch mint or burn named no token ids.
    error MirrorEmptyBatch();

    /// @notice A retirement's beneficiary text is longer than the contract stores in events.
    /// @param length Length of the text given, in bytes.
    /// @param maxLength Largest length accepted, in bytes.
    error MirrorBeneficiaryTooLong(uint256 length, uint256 maxLength);

    /// @notice A retirement's purpose text is longer than the contract stores in events.
    /// @param length Length of the text given, in bytes.
    /// @param maxLength Largest length accepted, in bytes.
    error MirrorPurposeTooLong(uint256 length, uint256 maxLength);

    /// @notice An anchor was given a range whose first sequence number is after its last.
    /// @param fromSeq First ledger sequence number given.
    /// @param toSeq Last ledger sequence number given.
    error MirrorInvalidRange(uint64 fromSeq, uint64 toSeq);

    /// @notice Mint `amount` tokens of issuance `id` to `to`, mirroring ledger operation `opId`.
    /// @dev Reverts with `MirrorOperationReplayed` if `opId` was used before. Emits `Minted`.
    /// @param opId Identifier of the ledger operation being mirrored.
    /// @param to Account to credit.
    /// @param id Issuance numeric id (the token id).
    /// @param amount Number of tokens, in tCO2e.
    function mint(bytes32 opId, address to, uint256 id, uint256 amount) external;

    /// @notice Burn `amount` tokens of issuance `id` from `from`, mirroring ledger operation `opId`.
    /// @dev `from` must be the caller or have approved it with `setApprovalForAll`: the bridge
    /// mirrors what holders asked for and cannot take tokens on its own. Reverts with
    /// `MirrorOperationReplayed` if `opId` was used before. Emits `Burned`.
    /// @param opId Identifier of the ledger operation being mirrored.
    /// @param from Account to debit.
    /// @param id Issuance numeric id (the token id).
    /// @param amount Number of tokens, in tCO2e.
    function burn(bytes32 opId, address from, uint256 id, uint256 amount) external;

    /// @notice Mint several issuances to `to` at once, mirroring the single ledger operation `opId`.
    /// @dev `ids[i]` receives `amounts[i]`; the arrays must have equal length. The whole batch
    /// consumes `opId` once. Reverts with `MirrorOperationReplayed` if `opId` was used before.
    /// Emits one `Minted` per id.
    /// @param opId Identifier of the ledger operation being mirrored.
    /// @param to Account to credit.
    /// @param ids Issuance numeric ids (the token ids).
    /// @param amounts Number of tokens for each id, in tCO2e.
    function mintBatch(bytes32 opId, address to, uint256[] calldata ids, uint256[] calldata amounts) external;

    /// @notice Burn several issuances from `from` at once, mirroring the single ledger operation `opId`.
    /// @dev `ids[i]` loses `amounts[i]`; the arrays must have equal length. The whole batch
    /// consumes `opId` once. `from` must be the caller or have approved it, as for `burn`.
    /// Reverts with `MirrorOperationReplayed` if `opId` was used before. Emits one `Burned` per id.
    /// @param opId Identifier of the ledger operation being mirrored.
    /// @param from Account to debit.
    /// @param ids Issuance numeric ids (the token ids).
    /// @param amounts Number of tokens for each id, in tCO2e.
    function burnBatch(bytes32 opId, address from, uint256[] calldata ids, uint256[] calldata amounts) external;

    /// @notice Permanently retire `amount` of the caller's tokens of issuance `id`.
    /// @dev Destroys the tokens and emits `Retired`. Callable by any holder; retirement is final.
    /// @param id Issuance numeric id (the token id).
    /// @param amount Number of tokens to retire, in tCO2e.
    /// @param beneficiary Party on whose behalf the retirement is claimed.
    /// @param purpose Reason for the retirement.
    function retire(uint256 id, uint256 amount, string calldata beneficiary, string calldata purpose) external;

    /// @notice Publish the Merkle root of ledger entries `fromSeq` through `toSeq`, inclusive.
    /// @dev Emits `Anchored`.
    /// @param root Merkle root over the covered ledger entries.
    /// @param fromSeq First ledger sequence number covered.
    /// @param toSeq Last ledger sequence number covered.
    function anchor(bytes32 root, uint64 fromSeq, uint64 toSeq) external;

    /// @notice Whether ledger operation `opId` has already been mirrored by this contract.
    /// @param opId Identifier of a ledger operation.
    /// @return True if a mint or burn, single or batch, has consumed `opId`.
    function operationUsed(bytes32 opId) external view returns (bool);
}
