/// SessionRejectReason (373) values, with QuickFIX's wording for Text (58).
public enum FIXSessionRejectReason: Int, Sendable, CaseIterable {
    case invalidTagNumber = 0
    case requiredTagMissing = 1
    case tagNotDefinedForMessageType = 2
    case undefinedTag = 3
    case tagSpecifiedWithoutValue = 4
    case valueIsIncorrect = 5
    case incorrectDataFormat = 6
    case decryptionProblem = 7
    case signatureProblem = 8
    case compIDProblem = 9
    case sendingTimeAccuracyProblem = 10
    case invalidMsgType = 11
    case xmlValidationError = 12
    case tagAppearsMoreThanOnce = 13
    case tagSpecifiedOutOfRequiredOrder = 14
    case repeatingGroupFieldsOutOfOrder = 15
    case incorrectNumInGroupCount = 16
    case nonDataValueIncludesFieldDelimiter = 17
    case other = 99

    /// The Text (58) QuickFIX sends with this reason, if it has one.
    public var text: String? {
        switch self {
        case .invalidTagNumber: return "Invalid tag number"
        case .requiredTagMissing: return "Required tag missing"
        case .tagNotDefinedForMessageType: return "Tag not defined for this message type"
        case .tagSpecifiedWithoutValue: return "Tag specified without a value"
        case .valueIsIncorrect: return "Value is incorrect (out of range) for this tag"
        case .incorrectDataFormat: return "Incorrect data format for value"
        case .decryptionProblem: return "Decryption problem"
        case .signatureProblem: return "Signature problem"
        case .compIDProblem: return "CompID problem"
        case .sendingTimeAccuracyProblem: return "SendingTime accuracy problem"
        case .invalidMsgType: return "Invalid MsgType"
        case .tagAppearsMoreThanOnce: return "Tag appears more than once"
        case .tagSpecifiedOutOfRequiredOrder: return "Tag specified out of required order"
        case .incorrectNumInGroupCount: return "Incorrect NumInGroup count for repeating group"
        default: return nil
        }
    }
}

/// BusinessRejectReason (380) values.
public enum FIXBusinessRejectReason: Int, Sendable {
    case other = 0
    case unknownID = 1
    case unknownSecurity = 2
    case unsupportedMessageType = 3
    case applicationNotAvailable = 4
    case conditionallyRequiredFieldMissing = 5
    case notAuthorized = 6
}
