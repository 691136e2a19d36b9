// A non-interactive QuickFIX C++ FIX 4.4 initiator for scripts/interop-quickfix.sh: logs on (settings
// from a QuickFIX .cfg file with one initiator session), sends N limit NewOrderSingle (35=D) with distinct
// ClOrdIDs, waits until each has a filled ExecutionReport (35=8, 39=2) whose quantities and prices match
// the order, prints "sent N orders, M filled", logs out and exits 0; exits 1 on timeout or mismatch.
//
// usage: qf_order_client SETTINGS.cfg COUNT [TIMEOUT_SECONDS [HOLD_SECONDS]]
//   HOLD_SECONDS: stay logged on that long after the last fill (heartbeats only) before logging out.

#include "quickfix/Application.h"
#include "quickfix/FileLog.h"
#include "quickfix/FileStore.h"
#include "quickfix/MessageCracker.h"
#include "quickfix/Session.h"
#include "quickfix/SessionSettings.h"
#include "quickfix/SocketInitiator.h"
#include "quickfix/Values.h"
#include "quickfix/fix44/BusinessMessageReject.h"
#include "quickfix/fix44/ExecutionReport.h"
#include "quickfix/fix44/NewOrderSingle.h"

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

struct Order {
  std::string symbol;
  char side;
  double qty;
  double price;
};

class OrderClient : public FIX::Application, public FIX::MessageCracker {
public:
  std::mutex mutex;
  std::condition_variable changed;
  bool loggedOn = false;
  std::map<std::string, Order> orders;
  std::set<std::string> filled;
  std::vector<std::string> problems;

  void onCreate(const FIX::SessionID&) override {}
  void onLogon(const FIX::SessionID& id) override {
    std::lock_guard<std::mutex> lock(mutex);
    loggedOn = true;
    std::cerr << "qf_order_client: logged on " << id << std::endl;
    changed.notify_all();
  }
  void onLogout(const FIX::SessionID& id) override {
    std::lock_guard<std::mutex> lock(mutex);
    loggedOn = false;
    std::cerr << "qf_order_client: logged out " << id << std::endl;
    changed.notify_all();
  }
  void toAdmin(FIX::Message&, const FIX::SessionID&) override {}
  void toApp(FIX::Message&, const FIX::SessionID&) throw(FIX::DoNotSend) override {}
  void fromAdmin(const FIX::Message& m, const FIX::SessionID&)
      throw(FIX::FieldNotFound, FIX::IncorrectDataFormat, FIX::IncorrectTagValue, FIX::RejectLogon) override {
    FIX::MsgType type;
    m.getHeader().getField(type);
    if (type == FIX::MsgType_Reject) {
      std::lock_guard<std::mutex> lock(mutex);
      problems.push_back("session Reject: " + m.toString());
      changed.notify_all();
    }
  }
  void fromApp(const FIX::Message& m, const FIX::SessionID& id)
      throw(FIX::FieldNotFound, FIX::IncorrectDataFormat, FIX::IncorrectTagValue, FIX::UnsupportedMessageType) override {
    crack(m, id);
  }

  void onMessage(const FIX44::BusinessMessageReject& m, const FIX::SessionID&) override {
    std::lock_guard<std::mutex> lock(mutex);
    problems.push_back("BusinessMessageReject: " + m.toString());
    changed.notify_all();
  }

  void onMessage(const FIX44::ExecutionReport& m, const FIX::SessionID&) override {
    FIX::ClOrdID clOrdID;
    FIX::OrdStatus ordStatus;
    FIX::ExecType execType;
    m.get(clOrdID);
    m.get(ordStatus);
    m.get(execType);
    std::lock_guard<std::mutex> lock(mutex);
    auto it = orders.find(clOrdID.getValue());
    if (it == orders.end()) {
      problems.push_back("ExecutionReport for unknown ClOrdID " + clOrdID.getValue());
    } else if (ordStatus != FIX::OrdStatus_FILLED) {
      problems.push_back("ExecutionReport for " + clOrdID.getValue() + " not filled: " + m.toString());
    } else {
      const Order& o = it->second;
      std::ostringstream bad;
      FIX::Symbol symbol; FIX::Side side; FIX::OrderQty qty; FIX::CumQty cum; FIX::LeavesQty leaves;
      FIX::LastQty lastQty; FIX::LastPx lastPx; FIX::AvgPx avgPx; FIX::OrderID orderID; FIX::ExecID execID;
      m.get(symbol); m.get(side); m.get(cum); m.get(leaves); m.get(avgPx); m.get(orderID); m.get(execID);
      if (execType != FIX::ExecType_TRADE) bad << " ExecType=" << execType.getValue();
      if (symbol.getValue() != o.symbol) bad << " Symbol=" << symbol.getValue();
      if (side.getValue() != o.side) bad << " Side=" << side.getValue();
      if (!m.isSet(qty) || m.get(qty).getValue() != o.qty) bad << " OrderQty";
      if (cum.getValue() != o.qty) bad << " CumQty=" << cum.getValue();
      if (leaves.getValue() != 0) bad << " LeavesQty=" << leaves.getValue();
      if (!m.isSet(lastQty) || m.get(lastQty).getValue() != o.qty) bad << " LastQty";
      if (!m.isSet(lastPx) || std::fabs(m.get(lastPx).getValue() - o.price) > 1e-9) bad << " LastPx";
      if (std::fabs(avgPx.getValue() - o.price) > 1e-9) bad << " AvgPx=" << avgPx.getValue();
      if (orderID.getValue().empty()) bad << " OrderID empty";
      if (execID.getValue().empty()) bad << " ExecID empty";
      if (bad.str().empty()) {
        filled.insert(clOrdID.getValue());
      } else {
        problems.push_back("ExecutionReport for " + clOrdID.getValue() + " does not match the order:" + bad.str());
      }
    }
    changed.notify_all();
  }
};

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: " << argv[0] << " SETTINGS.cfg COUNT [TIMEOUT_SECONDS [HOLD_SECONDS]]" << std::endl;
    return 2;
  }
  const std::string file = argv[1];
  const int count = std::atoi(argv[2]);
  const double timeout = argc > 3 ? std::atof(argv[3]) : 30.0;
  const double hold = argc > 4 ? std::atof(argv[4]) : 0.0;
  if (count < 1 || timeout <= 0 || hold < 0) {
    std::cerr << "qf_order_client: COUNT must be >= 1, TIMEOUT_SECONDS > 0 and HOLD_SECONDS >= 0" << std::endl;
    return 2;
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds((long long)(timeout * 1000));

  try {
    FIX::SessionSettings settings(file);
    const std::set<FIX::SessionID> ids = settings.getSessions();
    if (ids.size() != 1) {
      std::cerr << "qf_order_client: the settings must hold exactly one session" << std::endl;
      return 2;
    }
    const FIX::SessionID id = *ids.begin();
    OrderClient app;
    FIX::FileStoreFactory storeFactory(settings);
    FIX::FileLogFactory logFactory(settings);
    FIX::SocketInitiator initiator(app, storeFactory, settings, logFactory);
    initiator.start();

    int sent = 0;
    int result = 0;
    {
      std::unique_lock<std::mutex> lock(app.mutex);
      if (!app.changed.wait_until(lock, deadline, [&] { return app.loggedOn; })) {
        std::cerr << "qf_order_client: timed out after " << timeout << "s waiting for logon" << std::endl;
        lock.unlock();
        initiator.stop(true);
        return 1;
      }
    }

    const char* symbols[] = {"INFY", "TCS", "RELIANCE", "HDFCBANK", "SBIN"};
    const long long runID = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now().time_since_epoch()).count();
    for (int i = 1; i <= count; ++i) {
      std::ostringstream clOrdID;
      clOrdID << "QF-" << runID << "-" << i;
      Order o{symbols[(i - 1) % 5], i % 2 == 1 ? FIX::Side_BUY : FIX::Side_SELL, 10.0 * i, 500.0 + i + 0.25 * (i % 4)};
      {
        std::lock_guard<std::mutex> lock(app.mutex);
        app.orders[clOrdID.str()] = o;
      }
      FIX44::NewOrderSingle order(FIX::ClOrdID(clOrdID.str()), FIX::Side(o.side), FIX::TransactTime(),
                                  FIX::OrdType(FIX::OrdType_LIMIT));
      order.set(FIX::HandlInst('1'));
      order.set(FIX::Symbol(o.symbol));
      order.set(FIX::OrderQty(o.qty));
      order.set(FIX::Price(o.price));
      order.set(FIX::TimeInForce(FIX::TimeInForce_DAY));
      if (!FIX::Session::sendToTarget(order, id)) {
        std::cerr << "qf_order_client: order " << clOrdID.str() << " was not sent" << std::endl;
        result = 1;
        break;
      }
      ++sent;
    }

    {
      std::unique_lock<std::mutex> lock(app.mutex);
      if (result == 0) {
        app.changed.wait_until(lock, deadline, [&] {
          return (int)app.filled.size() == count || !app.problems.empty() || !app.loggedOn;
        });
      }
      std::cout << "sent " << sent << " orders, " << app.filled.size() << " filled" << std::endl;
      for (const auto& p : app.problems) std::cerr << "qf_order_client: " << p << std::endl;
      if ((int)app.filled.size() != count) {
        if (result == 0 && app.problems.empty()) {
          std::cerr << "qf_order_client: " << (app.loggedOn ? "timed out after " + std::to_string(timeout) + "s" : std::string("session logged out"))
                    << ": " << app.filled.size() << " of " << count << " orders filled" << std::endl;
        }
        result = 1;
      } else if (!app.problems.empty()) {
        result = 1;
      }
    }

    if (result == 0 && hold > 0) {
      std::unique_lock<std::mutex> lock(app.mutex);
      const auto holdUntil = std::chrono::steady_clock::now() + std::chrono::milliseconds((long long)(hold * 1000));
      if (app.changed.wait_until(lock, holdUntil, [&] { return !app.loggedOn; })) {
        std::cerr << "qf_order_client: session ended while holding it open for " << hold << "s" << std::endl;
        result = 1;
      }
    }

    // Log out and give the acceptor a moment to answer before stopping.
    if (FIX::Session* s = FIX::Session::lookupSession(id)) s->logout();
    {
      std::unique_lock<std::mutex> lock(app.mutex);
      app.changed.wait_for(lock, std::chrono::seconds(5), [&] { return !app.loggedOn; });
    }
    initiator.stop();
    return result;
  } catch (std::exception& e) {
    std::cerr << "qf_order_client: " << e.what() << std::endl;
    return 1;
  }
}
