// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {ERC1155} from "@openzeppelin/contracts/token/ERC1155/ERC1155.sol";
import {ERC1155Supply} from "@openzeppelin/contracts/token/ERC1155/extensions/ERC1155Supply.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {IJcmCreditMirror} from "./IJcmCreditMirror.sol";

/// @title JCM credit mirror
/// @notice ERC-1155 token mirroring JCM credits that the jcm-bridge ledger has tokenized. The
/// ledger is authoritative; this contract only reflects the operations it has recorded, and lets
/// holders transfer and retire what they hold.
/// @dev Roles: `DEFAULT_ADMIN_ROLE` grants roles, pauses and sets the metadata URI;
/// `BRIDGE_ROLE` mints, burns and anchors. Every supply change and transfer passes through
/// `_update`, which is where pausing and the no-zero-amount rule are enforced.
contract JcmCreditMirror is ERC1155Supply, AccessControl, Pausable, IJcmCreditMirror {
    /// @notice Role allowed to mirror ledger operations (mint, burn) and to anchor ledger roots.
    bytes32 public constant BRIDGE_ROLE = keccak256("BRIDGE_ROLE");

    /// @notice Largest accepted `beneficiary` in `retire`, in bytes. Bounded so a retirement
    /// event stays cheap to emit and to index.
    uint256 public constant MAX_BENEFICIARY_LENGTH = 200;

    /// @notice Largest accepted `purpose` in `retire`, in bytes.
    uint256 public constant MAX_PURPOSE_LENGTH = 500;

    // Never cleared: freeing an id would let a relayer's retry apply a ledger operation twice.
    mapping(bytes32 opId => bool) private _usedOperations;

    string private _baseUri;

    /// @notice The metadata base URI changed; `uri(id)` is now `baseUri` followed by the decimal id.
    /// @param baseUri The new base URI.
    event BaseUriSet(string baseUri);

    /// @notice The admin role was given to the zero address, which would leave the contract
    /// without anyone able to pause it or manage roles.
    /// @param admin The address given.
    error MirrorInvalidAdmin(address admin);

    /// @param admin Account given `DEFAULT_ADMIN_ROLE`; must not be the zero address.
    /// @param bridge Account given `BRIDGE_ROLE` (the ledger's relayer key); may be the zero
    /// address if the admin grants the role later.
    /// @param baseUri Initial metadata base URI, e.g. "https://bridge.example/v1/tokens/".
    constructor(address admin, address bridge, string memory baseUri) ERC1155("") {
        if (admin == address(0)) {
            revert MirrorInvalidAdmin(admin);
        }
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        if (bridge != address(0)) {
            _grantRole(BRIDGE_ROLE, bridge);
        }
        _baseUri = baseUri;
        emit BaseUriSet(baseUri);
    }

    /// @inheritdoc IJcmCreditMirror
    /// @dev Requirements: caller has `BRIDGE_ROLE`; `opId` unused; `to` not the zero address and,
    /// if a contract, accepts ERC-1155 tokens; `amount` > 0; not paused.
    /// Emits `TransferSingle` then `Minted`.
    function mint(bytes32 opId, address to, uint256 id, uint256 amount) external onlyRole(BRIDGE_ROLE) {
        _useOperation(opId);
        _mint(to, id, amount, "");
        emit Minted(opId, to, id, amount);
    }

    /// @inheritdoc IJcmCreditMirror
    /// @dev Requirements: caller has `BRIDGE_ROLE`; `opId` unused; `ids` non-empty and as long as
    /// `amounts`; every amount > 0; `to` not the zero address and, if a contract, accepts ERC-1155
    /// batches; not paused. Emits `TransferBatch` then one `Minted` per id, in order.
    function mintBatch(bytes32 opId, address to, uint256[] calldata ids, uint256[] calldata amounts)
        external
        onlyRole(BRIDGE_ROLE)
    {
        _useOperation(opId);
        _mintBatch(to, ids, amounts, "");
        for (uint256 i = 0; i < ids.length; ++i) {
            emit Minted(opId, to, ids[i], amounts[i]);
        }
    }

    /// @inheritdoc IJcmCreditMirror
    /// @dev Requirements: caller has `BRIDGE_ROLE`; `opId` unused; `from` is the caller or has
    /// approved it (else `ERC1155MissingApprovalForAll`); `from` holds at least `amount`;
    /// `amount` > 0; not paused. Emits `TransferSingle` then `Burned`.
    function burn(bytes32 opId, address from, uint256 id, uint256 amount) external onlyRole(BRIDGE_ROLE) {
        _requireHolderConsent(from);
        _useOperation(opId);
        _burn(from, id, amount);
        emit Burned(opId, from, id, amount);
    }

    /// @inheritdoc IJcmCreditMirror
    /// @dev Requirements: as for `burn`, for every id; `ids` non-empty and as long as `amounts`.
    /// Emits `TransferBatch` then one `Burned` per id, in order.
    function burnBatch(bytes32 opId, address from, uint256[] calldata ids, uint256[] calldata amounts)
        external
        onlyRole(BRIDGE_ROLE)
    {
        _requireHolderConsent(from);
        _useOperation(opId);
        _burnBatch(from, ids, amounts);
        for (uint256 i = 0; i < ids.length; ++i) {
            emit Burned(opId, from, ids[i], amounts[i]);
        }
    }

    /// @inheritdoc IJcmCreditMirror
    /// @dev Requirements: caller holds at least `amount` of `id`; `amount` > 0; `beneficiary` at
    /// most `MAX_BENEFICIARY_LENGTH` bytes and `purpose` at most `MAX_PURPOSE_LENGTH` bytes; not
    /// paused. Emits `TransferSingle` (to the zero address) then `Retired`.
    function retire(uint256 id, uint256 amount, string calldata beneficiary, string calldata purpose) external {
        if (bytes(beneficiary).length > MAX_BENEFICIARY_LENGTH) {
            revert MirrorBeneficiaryTooLong(bytes(beneficiary).length, MAX_BENEFICIARY_LENGTH);
        }
        if (bytes(purpose).length > MAX_PURPOSE_LENGTH) {
            revert MirrorPurposeTooLong(bytes(purpose).length, MAX_PURPOSE_LENGTH);
        }
        _burn(_msgSender(), id, amount);
        emit Retired(_msgSender(), id, amount, beneficiary, purpose);
    }

    /// @inheritdoc IJcmCreditMirror
    /// @dev Requirements: caller has `BRIDGE_ROLE`; `fromSeq` <= `toSeq`. Works while paused: a
    /// pause stops token movements, not the evidence that the ledger is unchanged. Emits `Anchored`.
    function anchor(bytes32 root, uint64 fromSeq, uint64 toSeq) external onlyRole(BRIDGE_ROLE) {
        if (fromSeq > toSeq) {
            revert MirrorInvalidRange(fromSeq, toSeq);
        }
        emit Anchored(root, fromSeq, toSeq);
    }

    /// @inheritdoc IJcmCreditMirror
    function operationUsed(bytes32 opId) external view returns (bool) {
        return _usedOperations[opId];
    }

    /// @notice Stop every mint, burn, retirement and transfer until `unpause`.
    /// @dev Requirements: caller has `DEFAULT_ADMIN_ROLE`; not already paused. Emits `Paused`.
    function pause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _pause();
    }

    /// @notice Allow mints, burns, retirements and transfers again.
    /// @dev Requirements: caller has `DEFAULT_ADMIN_ROLE`; paused. Emits `Unpaused`.
    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _unpause();
    }

    /// @notice Set the metadata base URI that `uri(id)` appends the decimal token id to.
    /// @dev Requirements: caller has `DEFAULT_ADMIN_ROLE`. Emits `BaseUriSet`.
    /// @param baseUri The new base URI, normally ending in "/".
    function setBaseUri(string calldata baseUri) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _baseUri = baseUri;
        emit BaseUriSet(baseUri);
    }

    /// @notice Metadata URI of token `id`: the base URI followed by `id` in decimal.
    /// @dev Overrides the ERC-1155 `{id}` substitution scheme, which needs zero-padded hex ids that
    /// the ledger's API does not serve.
    /// @param id Issuance numeric id (the token id).
    /// @return The metadata URI.
    function uri(uint256 id) public view override returns (string memory) {
        return string.concat(_baseUri, Strings.toString(id));
    }

    /// @notice Whether this contract implements the interface `interfaceId` (ERC-165).
    /// @param interfaceId ERC-165 interface identifier.
    /// @return True for ERC-1155, its metadata extension, AccessControl, ERC-165 and IJcmCreditMirror.
    function supportsInterface(bytes4 interfaceId)
        public
        view
        override(ERC1155, AccessControl, IERC165)
        returns (bool)
    {
        return interfaceId == type(IJcmCreditMirror).interfaceId || super.supportsInterface(interfaceId);
    }

    /// @dev The one path every mint, burn, retirement and transfer takes, so the rules that must
    /// hold for all of them live here: nothing moves while paused, and no supply change is for
    /// zero tokens or no ids (transfers of zero stay allowed, as ERC-1155 requires).
    function _update(address from, address to, uint256[] memory ids, uint256[] memory values)
        internal
        override
        whenNotPaused
    {
        if (from == address(0) || to == address(0)) {
            if (ids.length != values.length) {
                revert ERC1155InvalidArrayLength(ids.length, values.length);
            }
            if (ids.length == 0) {
                revert MirrorEmptyBatch();
            }
            for (uint256 i = 0; i < values.length; ++i) {
                if (values[i] == 0) {
                    revert MirrorZeroAmount(ids[i]);
                }
            }
        }
        super._update(from, to, ids, values);
    }

    /// @dev Marks `opId` used before any token moves, so that a receiver hook re-entering through
    /// the bridge cannot apply the same operation twice.
    function _useOperation(bytes32 opId) private {
        if (_usedOperations[opId]) {
            revert MirrorOperationReplayed(opId);
        }
        _usedOperations[opId] = true;
    }

    /// @dev The bridge mirrors holders' requests; it must not be able to take tokens on its own.
    function _requireHolderConsent(address from) private view {
        address operator = _msgSender();
        if (from != operator && !isApprovedForAll(from, operator)) {
            revert ERC1155MissingApprovalForAll(operator, from);
        }
    }
}
